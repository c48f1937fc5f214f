package io.cgdev.drm;

import static io.cgdev.drm.GemFixture.M;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a batch does to the GEM objects it uses, through the scheduler: active and referenced until it ends. */
class BatchObjectsTest {
  static final long SLICE = DrmDevice.TIMESLICE_NANOS;
  GemFixture fx = new GemFixture();

  void submit(DrmFile f, String cls, long nanos, GemObject... objects) {
    synchronized (fx.lock) {
      fx.scheduler.submit(f.entity, null, cls, nanos, fx.gem.useInBatch(List.of(objects)));
    }
  }

  void run(long nanos) {
    synchronized (fx.lock) {
      fx.scheduler.run(nanos);
    }
  }

  @Test
  void aBatchKeepsItsObjectsActiveReferencedAndMostRecentlyUsedUntilItCompletes() {
    DrmFile a = fx.client();
    GemObject o = fx.create(a, M);
    GemObject other = fx.create(a, M);
    submit(a, "render", 2 * SLICE, o);
    assertThat(o.activeCount).isEqualTo(1);
    assertThat(o.refcount).isEqualTo(2);
    assertThat(fx.lru(fx.lmem)).containsExactly(other, o);
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
      fx.scheduler.close(a.entity);
    }
    assertThat(o.freed).isTrue();
    assertThat(fx.stats(fx.lmem).used()).isZero();
  }
}
