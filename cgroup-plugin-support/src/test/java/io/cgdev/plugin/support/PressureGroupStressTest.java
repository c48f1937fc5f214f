package io.cgdev.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.spi.SimulatedClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Threads change client states in four leaf groups under two parents while a clock thread moves the
 * device time and a reader reads, advances and polls a trigger: the change path (a sequence count per
 * group) never loses a change (every count returns to zero at every level), and every reading is
 * consistent: full never above some, totals never shrink and never pass the time elapsed. Bounded by a
 * number of operations (20,000 cycles per thread: about 2 s on a loaded two-core machine), not by time.
 */
class PressureGroupStressTest {
  private static final Stall[] KINDS = Stall.values();

  @Test
  void concurrentChangesKeepCountsAndTimesConsistent() throws Exception {
    SimulatedClock clock = new SimulatedClock();
    PressureGroup root = PressureGroup.root(clock);
    PressureGroup[] mids = {new PressureGroup(root), new PressureGroup(root)};
    PressureGroup[] leaves = new PressureGroup[4];
    for (int i = 0; i < leaves.length; i++) {
      leaves[i] = new PressureGroup(mids[i % 2]);
    }
    PressureTrigger trigger = mids[0].createTrigger("some 1000 500000", () -> {});
    AtomicReference<String> violation = new AtomicReference<>();
    AtomicBoolean done = new AtomicBoolean();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (PressureGroup leaf : leaves) {
      workers.add(new Thread(() -> {
        await(start);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 20_000; i++) {
          leaf.change(+1, 0); // waits
          if (r.nextBoolean()) {
            leaf.change(-1, +1); // runs
            leaf.change(0, -1); // idles
          } else {
            leaf.change(-1, 0); // gives up waiting
          }
        }
      }));
    }
    Thread ticker = new Thread(() -> {
      await(start);
      while (!done.get()) {
        clock.advance(ThreadLocalRandom.current().nextLong(1, 3_000_000));
        // Paced: the groups run their timers in time order (every missed averaging period and trigger
        // step, as the kernel's timers fire), so a clock spinning at ~10^5 simulated seconds per wall
        // second would keep the changing threads catching up forever.
        LockSupport.parkNanos(20_000);
      }
    });
    long[] polls = {0};
    Thread reader = new Thread(() -> {
      await(start);
      long[][] last = new long[3][2];
      PressureGroup[] watched = {root, mids[0], leaves[3]};
      while (!done.get()) {
        root.advance();
        if (trigger.pollEvent()) {
          polls[0]++;
        }
        for (int g = 0; g < watched.length; g++) {
          PressureGroup.Reading r = watched[g].read();
          for (Stall s : KINDS) {
            long total = r.total(s);
            if (total < last[g][s.ordinal()] || total > r.time()) {
              violation.compareAndSet(null, "group " + g + " " + s + " total " + total + " after " + last[g][s.ordinal()] + " at " + r.time());
            }
            last[g][s.ordinal()] = total;
          }
          if (r.total(Stall.FULL) > r.total(Stall.SOME)) {
            violation.compareAndSet(null, "group " + g + " full above some");
          }
          if (watched[g].delayed() < 0 || watched[g].productive() < 0) {
            violation.compareAndSet(null, "group " + g + " count below zero");
          }
        }
      }
    });
    workers.forEach(Thread::start);
    ticker.start();
    reader.start();
    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    done.set(true);
    ticker.join();
    reader.join();
    assertThat(violation.get()).isNull();
    for (PressureGroup g : List.of(root, mids[0], mids[1], leaves[0], leaves[1], leaves[2], leaves[3])) {
      assertThat(g.delayed()).isZero();
      assertThat(g.productive()).isZero();
      assertThat(g.show(true)).matches(
          "some avg10=\\d+\\.\\d\\d avg60=\\d+\\.\\d\\d avg300=\\d+\\.\\d\\d total=\\d+\n"
              + "full avg10=\\d+\\.\\d\\d avg60=\\d+\\.\\d\\d avg300=\\d+\\.\\d\\d total=\\d+\n");
    }
    assertThat(root.read().total(Stall.SOME)).isPositive();
    trigger.close();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
