package io.cgdev.drm;

import static io.cgdev.drm.GemFixture.M;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.ReclaimRequest;
import io.cgdev.drm.sim.RegionAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Eviction on its own: LRU order, who may not go, where victims go, the lock contract. */
class GemEvictorTest {
  GemFixture fx = new GemFixture();
  DrmFile f = fx.client();

  @Test
  void evictsLeastRecentlyUsedFirstUntilEnoughIsFreed() {
    GemObject a = fx.create(f, 4 * M);
    GemObject b = fx.create(f, 4 * M);
    GemObject c = fx.create(f, 4 * M);
    fx.touch(a); // now b, c, a from least to most recently used
    assertThat(fx.evict(fx.lmem, 5 * M)).isEqualTo(8 * M);
    assertThat(List.of(a.region, b.region, c.region)).containsExactly(fx.lmem, fx.smem, fx.smem);
    assertThat(b.evictions).isEqualTo(1);
    assertThat(fx.lru(fx.lmem)).containsExactly(a);
    assertThat(fx.lru(fx.smem)).containsExactly(b, c);
    RegionStats lmem = fx.stats(fx.lmem);
    assertThat(lmem.evictions()).isEqualTo(2);
    assertThat(lmem.evictedBytes()).isEqualTo(8 * M);
    assertThat(lmem.used()).isEqualTo(4 * M);
    assertThat(fx.stats(fx.smem).used()).isEqualTo(8 * M);
  }

  @Test
  void pinnedAndActiveObjectsStay() {
    GemObject pinned = fx.create(f, 4 * M);
    GemObject active = fx.create(f, 4 * M);
    GemObject idle = fx.create(f, 4 * M);
    pinned.pin();
    synchronized (fx.lock) {
      active.activate(); // as a batch's use
    }
    assertThat(fx.evict(fx.lmem, 16 * M)).isEqualTo(4 * M);
    assertThat(List.of(pinned.region, active.region, idle.region)).containsExactly(fx.lmem, fx.lmem, fx.smem);
  }

  @Test
  void aVictimTheSystemRegionCannotHoldStaysWhereItWas() {
    GemFixture small = new GemFixture(4 * M);
    DrmFile g = small.client();
    small.create(g, 4 * M, "smem"); // fills system memory
    GemObject o = small.create(g, 4 * M, "lmem0");
    List<RegionAllocator.Block> before = o.blocks;
    assertThat(small.evict(small.lmem, M)).isZero();
    assertThat(o.region).isSameAs(small.lmem);
    assertThat(o.blocks).isSameAs(before);
    assertThat(small.stats(small.lmem).evictions()).isZero();
  }

  @Test
  void nothingIsEvictedOutOfTheSystemRegionOrWithoutOne() {
    fx.create(f, 4 * M, "smem");
    assertThat(fx.evict(fx.smem, M)).isZero();
    GemEvictor noTarget = new GemEvictor(fx.lock, fx.residency, null, fx.cgroups);
    fx.create(f, 4 * M, "lmem0");
    synchronized (fx.lock) {
      assertThat(noTarget.evict(fx.lmem, M, null, owner -> true)).isZero();
    }
  }

  @Test
  void theHookEvictsFromTheRequestedRegionAndNothingOnceUnplugged() {
    GemObject o = fx.create(f, 4 * M);
    GemObject p = fx.create(f, 4 * M);
    assertThat(fx.evictor.reclaim(request("lmem0", M))).isEqualTo(4 * M);
    assertThat(o.region).isSameAs(fx.smem);
    assertThat(fx.evictor.reclaim(request("vram", M))).as("unknown region").isZero();
    synchronized (fx.lock) {
      fx.evictor.unplug();
    }
    assertThat(fx.evictor.reclaim(request("lmem0", M))).isZero();
    assertThat(p.region).isSameAs(fx.lmem);
  }

  @Test
  void evictExpectsTheDeviceLock() {
    assertThatThrownBy(() -> fx.evictor.evict(fx.lmem, M, null, owner -> true)).isInstanceOf(AssertionError.class);
  }

  static ReclaimRequest request(String region, long bytes) {
    return new ReclaimRequest() {
      @Override public String region() { return region; }
      @Override public long bytes() { return bytes; }
      @Override public CgroupHandle scope() { return null; }
      @Override public boolean mayEvict(CgroupHandle owner) { return true; }
    };
  }
}
