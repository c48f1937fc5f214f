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
}
