package io.cgdev.drm.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.EngineSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scheduler on its own, without a device or a cpu controller: slices, round-robin, completion,
 * cancellation. A batch's end is seen through the action it was submitted with.
 */
class EngineSchedulerTest {
  static final long SLICE = EngineScheduler.TIMESLICE_NANOS;
  final Object lock = new Object();
  final SimClock clock = new SimClock();
  final EngineScheduler s = new EngineScheduler(lock, "gpu.0",
      List.of(new EngineSpec("rcs0", "render"), new EngineSpec("vcs0", "video"), new EngineSpec("vcs1", "video")),
      clock, EnginePolicy.ROUND_ROBIN);
  final List<String> ended = new ArrayList<>();
  private long nextClient = 1;

  SchedEntity client() {
    synchronized (lock) {
      return s.open(nextClient++);
    }
  }

  void submit(SchedEntity e, String cls, long nanos, String name) {
    synchronized (lock) {
      s.submit(e, null, cls, nanos, () -> ended.add(name));
    }
  }

  void run(long nanos) {
    synchronized (lock) {
      s.run(nanos);
    }
  }

  long runtime(SchedEntity e, String cls) {
    synchronized (lock) {
      return s.runtime(e, cls);
    }
  }

  @Test
  void clientsSharingAnEngineAlternateSliceBySlice() {
    SchedEntity a = client();
    SchedEntity b = client();
    submit(a, "render", 3 * SLICE, "a");
    submit(b, "render", 3 * SLICE, "b");
    run(SLICE);
    assertThat(runtime(a, "render")).isEqualTo(SLICE);
    assertThat(runtime(b, "render")).isZero();
    run(SLICE);
    assertThat(runtime(b, "render")).isEqualTo(SLICE);
    run(SLICE / 2); // a mid-slice stop reports the time so far
    assertThat(runtime(a, "render")).isEqualTo(SLICE + SLICE / 2);
    run(10 * SLICE);
    assertThat(runtime(a, "render")).isEqualTo(3 * SLICE);
    assertThat(runtime(b, "render")).isEqualTo(3 * SLICE);
    assertThat(ended).containsExactly("a", "b");
    assertThat(clock.nanoTime()).as("idle time is skipped to the end").isEqualTo(12 * SLICE + SLICE / 2);
  }

  @Test
  void aClassWithSeveralEnginesRunsBatchesInParallelAndCountsPerEngine() {
    SchedEntity a = client();
    submit(a, "video", 2 * SLICE, "first");
    submit(a, "video", 2 * SLICE, "second");
    run(2 * SLICE);
    synchronized (lock) {
      assertThat(s.runtimeOn(a, "vcs0")).isEqualTo(2 * SLICE);
      assertThat(s.runtimeOn(a, "vcs1")).isEqualTo(2 * SLICE);
      assertThat(s.runtimeOn(a, "rcs0")).isZero();
      assertThat(s.runtimeOn(a, "ccs9")).isZero();
    }
    assertThat(runtime(a, "video")).isEqualTo(4 * SLICE);
    assertThat(runtime(a, "blit")).isZero();
    assertThat(s.engineCount("video")).isEqualTo(2);
    assertThat(ended).containsExactlyInAnyOrder("first", "second");
  }

  @Test
  void aBatchEndsOnlyOnceItRanItsWholeDuration() {
    SchedEntity a = client();
    submit(a, "render", 2 * SLICE, "a");
    run(SLICE);
    assertThat(ended).isEmpty();
    run(SLICE);
    assertThat(ended).containsExactly("a");
  }

  @Test
  void closingCancelsRunningAndQueuedBatchesAndEndsThem() {
    SchedEntity a = client();
    SchedEntity b = client();
    submit(a, "render", 5 * SLICE, "running");
    submit(a, "render", 5 * SLICE, "queued");
    run(SLICE / 2);
    submit(b, "render", SLICE, "b");
    synchronized (lock) {
      s.close(a);
    }
    assertThat(ended).containsExactly("running", "queued");
    assertThat(runtime(a, "render")).isEqualTo(SLICE / 2);
    run(10 * SLICE);
    assertThat(runtime(a, "render")).isEqualTo(SLICE / 2);
    assertThat(runtime(b, "render")).isEqualTo(SLICE);
  }

  @Test
  void anUnknownClassIsRefusedNamingTheClasses() {
    assertThat(s.engineClasses()).containsExactly("render", "video");
    assertThatThrownBy(() -> s.checkEngineClass("blit"))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
        .hasMessage("gpu.0: unknown engine class 'blit' (classes: [render, video])");
  }

  @Test
  void runExpectsTheDeviceLock() {
    assertThatThrownBy(() -> s.run(SLICE)).isInstanceOf(AssertionError.class);
  }
}
