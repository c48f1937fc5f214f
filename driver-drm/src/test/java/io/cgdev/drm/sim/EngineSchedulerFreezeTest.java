package io.cgdev.drm.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.spi.EngineSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A frozen client on the scheduler of its own: its running batch stops at the freeze with the time
 * it ran so far, its queued batches wait and take no time while the others run, and after a thaw it
 * finishes what it had.
 */
class EngineSchedulerFreezeTest {
  static final long SLICE = EngineScheduler.TIMESLICE_NANOS;
  final Object lock = new Object();
  final SimClock clock = new SimClock();
  final EngineScheduler s = new EngineScheduler(lock, "gpu.0", List.of(new EngineSpec("rcs0", "render")), clock,
      EnginePolicy.ROUND_ROBIN);
  final List<String> ended = new ArrayList<>();

  @Test
  void aFrozenClientStopsAtOnceWaitsWhileOthersRunAndFinishesAfterTheThaw() {
    synchronized (lock) {
      SchedEntity a = s.open(1);
      SchedEntity b = s.open(2);
      s.submit(a, null, "render", 3 * SLICE, () -> ended.add("a"));
      s.submit(b, null, "render", 2 * SLICE, () -> ended.add("b"));
      s.run(SLICE / 2); // a runs half a slice
      s.freeze(a, true);
      assertThat(s.runtime(a, "render")).isEqualTo(SLICE / 2);
      s.run(10 * SLICE);
      assertThat(s.runtime(a, "render")).as("no time while frozen").isEqualTo(SLICE / 2);
      assertThat(s.runtime(b, "render")).as("the other takes the engine").isEqualTo(2 * SLICE);
      assertThat(ended).containsExactly("b");
      s.freeze(a, true); // again: nothing changes
      s.freeze(a, false);
      s.run(10 * SLICE);
      assertThat(s.runtime(a, "render")).isEqualTo(3 * SLICE);
      assertThat(ended).containsExactly("b", "a");
    }
  }

  @Test
  void aClientFrozenWithNothingQueuedTakesItsLaterWorkOnlyAfterTheThaw() {
    synchronized (lock) {
      SchedEntity a = s.open(1);
      s.freeze(a, true);
      s.submit(a, null, "render", SLICE, () -> ended.add("a"));
      s.run(5 * SLICE);
      assertThat(s.runtime(a, "render")).isZero();
      assertThat(ended).isEmpty();
      s.close(a); // a frozen client may close: its queued batch finishes as cancelled
      assertThat(ended).containsExactly("a");
    }
  }
}
