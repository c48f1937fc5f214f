package io.cgdev.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Threads charge and uncharge two sibling levels under a shared limit: no level ever shows more than
 * its limit plus the in-flight charges, none goes below zero, and all return to zero. Bounded by a
 * number of operations (about 0.3 s here), not by time.
 */
class HierarchicalCounterStressTest {
  @Test
  void concurrentChargesNeverLeaveUsageAboveTheLimitOrBelowZero() throws Exception {
    HierarchicalCounter root = new HierarchicalCounter(null);
    root.max(100);
    HierarchicalCounter[] leaves = {new HierarchicalCounter(root), new HierarchicalCounter(root)};
    int threads = 4;
    AtomicLong violations = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      HierarchicalCounter leaf = leaves[t % 2];
      Thread th = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 200_000; i++) {
          long n = 1 + r.nextInt(5);
          if (leaf.tryCharge(n) == null) {
            long u = root.usage();
            if (u < 0 || u > 100 + threads * 5L) {
              violations.incrementAndGet();
            }
            leaf.uncharge(n, "stress");
          }
        }
      });
      all.add(th);
      th.start();
    }
    start.countDown();
    for (Thread th : all) {
      th.join();
    }
    assertThat(violations).hasValue(0);
    assertThat(root.usage()).isZero();
    assertThat(leaves[0].usage() + leaves[1].usage()).isZero();
    assertThat(root.peak()).isLessThanOrEqualTo(100 + threads * 5L);
  }
}
