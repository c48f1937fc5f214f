package io.cgdev.controller.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PageCounterTest {
  private final PageCounter root = new PageCounter(null);
  private final PageCounter a = new PageCounter(root);
  private final PageCounter b = new PageCounter(a);

  @Test
  void chargeAddsAtEveryLevelAndUnchargeTakesItBack() {
    assertThat(b.tryCharge(100)).isNull();
    assertThat(new long[] {b.usage(), a.usage(), root.usage()}).containsExactly(100, 100, 100);
    assertThat(b.uncharge(100)).isTrue();
    assertThat(new long[] {b.usage(), a.usage(), root.usage()}).containsExactly(0, 0, 0);
  }

  @Test
  void failedChargeReturnsTheLimitingLevelAndRollsBack() {
    a.setMax(150);
    assertThat(b.tryCharge(100)).isNull();
    assertThat(b.tryCharge(100)).isSameAs(a);
    assertThat(new long[] {b.usage(), a.usage(), root.usage()}).containsExactly(100, 100, 100);
    assertThat(a.failcnt()).isEqualTo(1);
    assertThat(b.failcnt()).isZero();
    root.setMax(120);
    assertThat(b.tryCharge(50)).isSameAs(root);
    assertThat(b.usage()).isEqualTo(100);
  }

  @Test
  void unchargeBelowZeroChangesNothing() {
    assertThat(b.tryCharge(10)).isNull();
    assertThat(b.uncharge(11)).isFalse();
    assertThat(new long[] {b.usage(), a.usage(), root.usage()}).containsExactly(10, 10, 10);
  }

  @Test
  void watermarksFollowTheHighestUsage() {
    b.tryCharge(300);
    b.uncharge(200);
    b.tryCharge(50);
    assertThat(b.watermark()).isEqualTo(300);
    assertThat(root.watermark()).isEqualTo(300);
    assertThat(b.swapLocalWatermark(b.usage())).isEqualTo(300);
    b.tryCharge(10);
    assertThat(b.localWatermark()).isEqualTo(160);
    assertThat(b.watermark()).isEqualTo(300);
  }

  @Test
  void protectedUsageIsReportedToTheParent() {
    PageCounter c = new PageCounter(a);
    b.setMin(50);
    c.setMin(30);
    c.setLow(80);
    b.tryCharge(100);
    c.tryCharge(20);
    assertThat(a.childrenMinUsage()).isEqualTo(50 + 20);
    assertThat(a.childrenLowUsage()).isEqualTo(20);
    c.tryCharge(100);
    assertThat(a.childrenMinUsage()).isEqualTo(50 + 30);
    assertThat(a.childrenLowUsage()).isEqualTo(80);
    b.setMin(0);
    assertThat(a.childrenMinUsage()).isEqualTo(30);
    c.uncharge(120);
    assertThat(a.childrenMinUsage()).isZero();
    assertThat(a.childrenLowUsage()).isZero();
  }

  @Test
  void overHighFindsTheLowestLevelAboveHigh() {
    root.setHigh(50);
    b.tryCharge(40);
    assertThat(b.overHigh()).isNull();
    b.tryCharge(20);
    assertThat(b.overHigh()).isSameAs(root);
    a.setHigh(10);
    assertThat(b.overHigh()).isSameAs(a);
  }

  @Test
  void protectingLevelsCountEveryLevelThatSetsMinOrLow() {
    b.setMin(4096);
    b.setLow(8192);
    assertThat(new int[] {b.protectingLevels(), a.protectingLevels(), root.protectingLevels()}).containsExactly(1, 1, 1);
    a.setLow(4096);
    assertThat(new int[] {b.protectingLevels(), a.protectingLevels(), root.protectingLevels()}).containsExactly(1, 2, 2);
    b.setMin(0);
    assertThat(b.protectingLevels()).as("low still set").isEqualTo(1);
    b.setLow(0);
    a.setLow(0);
    assertThat(new int[] {b.protectingLevels(), a.protectingLevels(), root.protectingLevels()}).containsExactly(0, 0, 0);
  }

  /**
   * The protecting-level counts are kept by atomic adds along the ancestors (the setters lock only
   * their own level): two threads per level flip min and low of siblings and of one shared level
   * at once; afterwards every count equals what the settings say.
   */
  @Test
  void protectingLevelsStayExactUnderConcurrentSetters() throws Exception {
    long seed = System.nanoTime();
    PageCounter[] levels = new PageCounter[8];
    levels[0] = root;
    for (int i = 1; i < levels.length; i++) {
      levels[i] = new PageCounter(levels[(i - 1) / 2]);
    }
    int threads = 4;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
    java.util.List<Thread> running = new java.util.ArrayList<>();
    java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
    for (int t = 0; t < threads; t++) {
      java.util.Random rnd = new java.util.Random(seed + t);
      Thread th = new Thread(() -> {
        try {
          start.await();
          for (int k = 0; k < 20_000; k++) {
            PageCounter c = levels[rnd.nextInt(levels.length)];
            long v = rnd.nextBoolean() ? 0 : 4096;
            if (rnd.nextBoolean()) {
              c.setMin(v);
            } else {
              c.setLow(v);
            }
          }
        } catch (Throwable e) {
          failure.set(e);
        }
      });
      th.start();
      running.add(th);
    }
    for (Thread th : running) {
      th.join();
    }
    assertThat(failure.get()).as("seed %d", seed).isNull();
    for (int i = levels.length - 1; i >= 0; i--) {
      int expected = levels[i].protects() ? 1 : 0;
      for (int j = 2 * i + 1; j <= 2 * i + 2 && j < levels.length; j++) {
        expected += levels[j].protectingLevels();
      }
      assertThat(levels[i].protectingLevels()).as("level %d, seed %d", i, seed).isEqualTo(expected);
    }
  }
}
