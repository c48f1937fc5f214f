package io.cgdev.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.spi.SimulatedClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The sequence-count read of a group's state (counts, states, start and the three accumulated times of
 * one instant): several threads change the same groups while two others read them, and no reader may
 * see fields of two instants. The writers only ever add and remove waiting clients ({@code change(+1,
 * 0)}, {@code change(-1, 0)}, one of them as a switch between two sibling groups), so nobody is ever
 * productive and in every instant of every group {@code full} equals {@code some}; a client of the
 * middle group waits all along, so there and at the root {@code some} equals the time elapsed, exactly.
 * Each writer moves the clock a microsecond before each change, so that every change records new times.
 * A read that took the start of one instant and the times of another is off by a step there; one that
 * took {@code some} and {@code full} across a change makes them differ. Readers also check that totals
 * never shrink and never pass the reading's time. With the re-read of the count taken out (fields
 * accepted whatever the count did meanwhile) this failed 5 runs of 5 on two busy cores, after 89 to 6,999
 * reads. Bounded by operations, not time: 3 writers of 200,000 change pairs each, readers reading until
 * they finish (well under a second here; a few seconds on a loaded two-core machine).
 */
class PressureTornReadStressTest {
  private static final int WRITERS = 3;
  private static final int PAIRS = 200_000;
  private static final long STEP = 1_000;

  @Test
  void readersNeverSeeTwoInstantsOfOneGroup() throws Exception {
    SimulatedClock clock = new SimulatedClock();
    PressureGroup root = PressureGroup.root(clock);
    PressureGroup mid = new PressureGroup(root);
    PressureGroup left = new PressureGroup(mid);
    PressureGroup right = new PressureGroup(mid);
    mid.change(+1, 0); // a client that waits all along: mid and the root are always in some and full
    AtomicReference<String> violation = new AtomicReference<>();
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong reads = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      int id = w;
      writers.add(new Thread(() -> {
        await(start);
        for (int i = 0; i < PAIRS && violation.get() == null; i++) {
          clock.advance(STEP);
          if (id == 0) {
            // a switch: mid and root see one change of +2 waiting clients
            PressureGroup.change(left, +1, 0, right, +1, 0);
            clock.advance(STEP);
            PressureGroup.change(left, -1, 0, right, -1, 0);
          } else {
            PressureGroup g = id == 1 ? left : mid;
            g.change(+1, 0);
            clock.advance(STEP);
            g.change(-1, 0);
          }
        }
      }, "pressure-writer-" + w));
    }
    PressureGroup[] watched = {root, mid, left};
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      readers.add(new Thread(() -> {
        await(start);
        long[][] last = new long[watched.length][2];
        while (!done.get() && violation.get() == null) {
          for (int g = 0; g < watched.length; g++) {
            check(watched[g], g, g < 2, last[g], violation);
          }
          reads.incrementAndGet();
        }
      }, "pressure-reader-" + r));
    }
    writers.forEach(Thread::start);
    readers.forEach(Thread::start);
    start.countDown();
    for (Thread w : writers) {
      w.join();
    }
    done.set(true);
    for (Thread r : readers) {
      r.join();
    }
    assertThat(violation.get()).as("after %d reads", reads.get()).isNull();
    assertThat(reads.get()).as("readers raced the writers").isPositive();
    long[][] last = new long[watched.length][2];
    for (int g = 0; g < watched.length; g++) {
      check(watched[g], g, g < 2, last[g], violation);
    }
    assertThat(violation.get()).isNull();
    assertThat(root.read().total(Stall.SOME)).isEqualTo(clock.nanoTime()).isPositive();
    assertThat(left.read().total(Stall.SOME)).isPositive();
    mid.change(-1, 0);
    for (PressureGroup g : List.of(root, mid, left, right)) {
      assertThat(g.delayed()).isZero();
      assertThat(g.productive()).isZero();
    }
  }

  /**
   * Reads {@code group} and records the first broken rule: full == some, totals monotonic and not past
   * the reading's time; for a group that was always waiting ({@code always}), some == the time itself.
   */
  private static void check(PressureGroup group, int g, boolean always, long[] last, AtomicReference<String> violation) {
    PressureGroup.Reading r = group.read();
    long some = r.total(Stall.SOME);
    long full = r.total(Stall.FULL);
    if (some != full) {
      violation.compareAndSet(null, "group " + g + ": some " + some + " but full " + full + " at " + r.time());
    }
    if (always && some != r.time()) {
      violation.compareAndSet(null, "group " + g + ": waited all along, but some " + some + " at " + r.time());
    }
    if (some < last[0] || full < last[1]) {
      violation.compareAndSet(null, "group " + g + ": totals went back: " + some + "/" + full + " after " + last[0] + "/" + last[1]);
    }
    if (some > r.time()) {
      violation.compareAndSet(null, "group " + g + ": some " + some + " past the reading's time " + r.time());
    }
    last[0] = some;
    last[1] = full;
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
