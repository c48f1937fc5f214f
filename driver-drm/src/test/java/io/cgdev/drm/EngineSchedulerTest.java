package io.cgdev.drm;

import static io.cgdev.drm.GemFixture.M;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduler on its own, without a cpu controller: slices, round-robin, completion, cancellation. */
class EngineSchedulerTest {
  static final long SLICE = DrmDevice.TIMESLICE_NANOS;
  GemFixture fx = new GemFixture();
  EngineScheduler s = fx.scheduler;

  void submit(DrmFile f, String cls, long nanos, GemObject... objects) {
    synchronized (fx.lock) {
      s.submit(f.entity, null, cls, nanos, List.of(objects));
    }
  }

  void run(long nanos) {
    synchronized (fx.lock) {
      s.run(nanos);
    }
  }

  long runtime(DrmFile f, String cls) {
    synchronized (fx.lock) {
      return s.runtime(f.entity, cls);
    }
  }

  @Test
  void clientsSharingAnEngineAlternateSliceBySlice() {
    DrmFile a = fx.client();
    DrmFile b = fx.client();
    submit(a, "render", 3 * SLICE);
    submit(b, "render", 3 * SLICE);
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
    assertThat(fx.clock.nanoTime()).as("idle time is skipped to the end").isEqualTo(12 * SLICE + SLICE / 2);
  }

  @Test
  void aClassWithSeveralEnginesRunsBatchesInParallelAndCountsPerEngine() {
    DrmFile a = fx.client();
    submit(a, "video", 2 * SLICE);
    submit(a, "video", 2 * SLICE);
    run(2 * SLICE);
    synchronized (fx.lock) {
      assertThat(s.runtimeOn(a.entity, "vcs0")).isEqualTo(2 * SLICE);
      assertThat(s.runtimeOn(a.entity, "vcs1")).isEqualTo(2 * SLICE);
      assertThat(s.runtimeOn(a.entity, "rcs0")).isZero();
      assertThat(s.runtimeOn(a.entity, "ccs9")).isZero();
    }
    assertThat(runtime(a, "video")).isEqualTo(4 * SLICE);
    assertThat(runtime(a, "blit")).isZero();
    assertThat(s.engineCount("video")).isEqualTo(2);
  }

  @Test
  void aBatchKeepsItsObjectsActiveAndReferencedUntilItCompletes() {
    DrmFile a = fx.client();
    GemObject o = fx.create(a, M);
    submit(a, "render", 2 * SLICE, o);
    assertThat(o.activeCount).isEqualTo(1);
    assertThat(o.refcount).isEqualTo(2);
    run(SLICE);
    assertThat(o.evictable()).isFalse();
    run(SLICE);
    assertThat(o.activeCount).isZero();
    assertThat(o.refcount).isEqualTo(1);
    assertThat(o.freed).isFalse();
  }

  @Test
  void closingCancelsRunningAndQueuedBatchesAndReleasesTheirObjects() {
    DrmFile a = fx.client();
    DrmFile b = fx.client();
    GemObject o = fx.create(a, M);
    o.refcount--; // only the batches will hold it
    submit(a, "render", 5 * SLICE, o);
    submit(a, "render", 5 * SLICE, o);
    run(SLICE / 2);
    submit(b, "render", SLICE);
    synchronized (fx.lock) {
      s.close(a.entity);
    }
    assertThat(runtime(a, "render")).isEqualTo(SLICE / 2);
    assertThat(o.freed).isTrue();
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
