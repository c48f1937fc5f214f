package io.cgdev.drm;

import static io.cgdev.drm.GemFixture.M;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import org.junit.jupiter.api.Test;

/** Placement on its own (nothing charged): the placement list, fallbacks, eviction for room, freeing. */
class GemPlacementTest {
  GemFixture fx = new GemFixture();
  DrmFile f = fx.client();

  @Test
  void thePlacementListIsTheNamedRegionsElseTheDefaultElseEveryRegion() {
    assertThat(fx.gem.placementList()).containsExactly(fx.lmem, fx.smem);
    assertThat(fx.gem.placementList("smem")).containsExactly(fx.smem);
    GemPlacement noDefault = new GemPlacement(fx.lock, "gpu.0", fx.regions, java.util.List.of(), fx.residency, fx.cgroups, fx.evictor);
    assertThat(noDefault.placementList()).containsExactly(fx.smem, fx.lmem);
  }

  @Test
  void unknownOrRepeatedRegionsAreRefusedNamingThem() {
    assertThatThrownBy(() -> fx.gem.placementList("vram"))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
        .hasMessageContaining("unknown region 'vram'");
    assertThatThrownBy(() -> fx.gem.placementList("smem", "smem"))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
        .hasMessageContaining("repeated region 'smem'");
  }

  @Test
  void anObjectIsPageAlignedAndGoesToTheFirstRegionWithRoom() {
    GemObject o = fx.create(f, 4 * M + 1);
    assertThat(o.size()).isEqualTo(4 * M + 4096);
    assertThat(o.region).isSameAs(fx.lmem);
    assertThat(o.charge).isNull();
    GemObject big = fx.create(f, 32 * M); // more than lmem0 holds
    assertThat(big.region).isSameAs(fx.smem);
    assertThat(fx.stats(fx.lmem).failedAllocations()).isEqualTo(1);
    synchronized (fx.lock) {
      assertThat(fx.gem.objects()).containsExactly(o, big);
    }
  }

  @Test
  void aFullRegionEvictsIdleObjectsBeforeGivingUp() {
    GemObject old = fx.create(f, 12 * M, "lmem0");
    GemObject fresh = fx.create(f, 8 * M, "lmem0");
    assertThat(old.region).isSameAs(fx.smem);
    assertThat(fresh.region).isSameAs(fx.lmem);
  }

  @Test
  void whenNoPlacementTakesItTheCreateFailsWithEnospcAndChangesNothing() {
    GemObject pinned = fx.create(f, 12 * M, "lmem0");
    pinned.pin();
    long usedBefore = fx.stats(fx.lmem).used();
    assertThatThrownBy(() -> fx.create(f, 8 * M, "lmem0"))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOSPC))
        .hasMessageContaining("gpu.0: cannot place a GEM object of 8388608 bytes for app: lmem0: no room in the allocator");
    assertThat(fx.stats(fx.lmem).used()).isEqualTo(usedBefore);
    assertThat(fx.stats(fx.lmem).failedAllocations()).isEqualTo(1);
    synchronized (fx.lock) {
      assertThat(fx.gem.objects()).containsExactly(pinned);
    }
  }

  @Test
  void theLastReferenceFreesTheObject() {
    GemObject o = fx.create(f, 4 * M);
    synchronized (fx.lock) {
      o.refcount++;
      fx.gem.put(o);
      assertThat(o.freed).isFalse();
      fx.gem.put(o);
      assertThat(o.freed).isTrue();
      assertThat(fx.gem.objects()).isEmpty();
    }
    assertThat(fx.stats(fx.lmem).used()).isZero();
    assertThat(fx.lru(fx.lmem)).isEmpty();
  }
}
