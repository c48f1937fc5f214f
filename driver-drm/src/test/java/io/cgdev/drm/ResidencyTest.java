package io.cgdev.drm;

import static io.cgdev.drm.GemFixture.M;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** The intrusive LRU list on its own: order, touch, moves, removal during a walk, fail-fast (also on a change of the index). */
class ResidencyTest {
  final Object lock = new Object();
  final MemoryRegion lmem = MemoryRegion.local("lmem0", 16 * M, 64 << 10);
  final MemoryRegion smem = MemoryRegion.system("smem", 64 * M);
  final Residency local = new Residency(lmem);
  final Residency system = new Residency(smem);
  long nextId = 1;

  GemObject object() {
    return new GemObject(lock, "gpu.0", nextId++, M, List.of(lmem, smem), null);
  }

  GemObject[] added(int n) {
    GemObject[] os = new GemObject[n];
    for (int i = 0; i < n; i++) {
      os[i] = object();
      local.add(os[i]);
    }
    return os;
  }

  static List<GemObject> walked(Residency r) {
    List<GemObject> out = new ArrayList<>();
    for (Residency.Walk w = r.walk(); w.hasNext(); ) {
      out.add(w.next());
    }
    return out;
  }

  @Test
  void objectsAreKeptInTheOrderTheyCameAndTouchMovesOneToTheTail() {
    GemObject[] o = added(4);
    assertThat(local.leastRecentlyUsedFirst()).containsExactly(o[0], o[1], o[2], o[3]);
    local.touch(o[0]); // the head
    local.touch(o[2]); // the middle
    local.touch(o[2]); // the tail already
    assertThat(local.leastRecentlyUsedFirst()).containsExactly(o[1], o[3], o[0], o[2]);
    assertThat(walked(local)).containsExactly(o[1], o[3], o[0], o[2]);
    assertThat(local.stats().objects()).isEqualTo(4);
  }

  @Test
  void removingAtEitherEndOrInTheMiddleKeepsTheRestInOrder() {
    GemObject[] o = added(5);
    local.remove(o[0]);
    local.remove(o[4]);
    local.remove(o[2]);
    assertThat(local.leastRecentlyUsedFirst()).containsExactly(o[1], o[3]);
    assertThat(o[2].listedIn).isNull();
    assertThat(o[2].lruPrev).isNull();
    assertThat(o[2].lruNext).isNull();
    local.remove(o[1]);
    local.remove(o[3]);
    assertThat(local.leastRecentlyUsedFirst()).isEmpty();
    assertThat(local.walk().hasNext()).isFalse();
    local.add(o[2]);
    assertThat(local.leastRecentlyUsedFirst()).containsExactly(o[2]);
  }

  @Test
  void anObjectNotResidentHereIsNeitherTouchedNorRemovedAndCannotBeAddedTwice() {
    GemObject[] o = added(2);
    GemObject elsewhere = object();
    system.add(elsewhere);
    local.touch(elsewhere);
    local.remove(elsewhere);
    assertThat(local.leastRecentlyUsedFirst()).containsExactly(o[0], o[1]);
    assertThat(system.leastRecentlyUsedFirst()).containsExactly(elsewhere);
    assertThatThrownBy(() -> local.add(elsewhere)).isInstanceOf(IllegalStateException.class).hasMessageContaining("smem");
    assertThatThrownBy(() -> local.movedTo(elsewhere, system)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aMoveGoesToTheTailOfTheTargetAndCountsOnlyAsAnEvictionWhenItIsOne() {
    GemObject[] o = added(3);
    GemObject already = object();
    system.add(already);
    local.evictedTo(o[1], system);
    local.movedTo(o[0], system);
    assertThat(local.leastRecentlyUsedFirst()).containsExactly(o[2]);
    assertThat(system.leastRecentlyUsedFirst()).containsExactly(already, o[1], o[0]);
    assertThat(o[1].listedIn).isSameAs(smem);
    assertThat(local.stats().evictions()).isEqualTo(1);
    assertThat(local.stats().evictedBytes()).isEqualTo(M);
  }

  @Test
  void aWalkEvictsAnyObjectItReturnedAndGoesOn() {
    GemObject[] o = added(5);
    List<GemObject> seen = new ArrayList<>();
    for (Residency.Walk w = local.walk(); w.hasNext(); ) {
      GemObject x = w.next();
      seen.add(x);
      if (x == o[0] || x == o[2] || x == o[4]) {
        local.evictedTo(w, x, system);
      }
    }
    assertThat(seen).containsExactly(o[0], o[1], o[2], o[3], o[4]);
    assertThat(local.leastRecentlyUsedFirst()).containsExactly(o[1], o[3]);
    assertThat(system.leastRecentlyUsedFirst()).containsExactly(o[0], o[2], o[4]);
    assertThat(local.stats().evictions()).isEqualTo(3);
  }

  @Test
  void aWalkFailsFastOnAnyOtherChange() {
    GemObject[] o = added(3);
    Residency.Walk touched = local.walk();
    touched.next();
    local.touch(o[2]);
    assertThatThrownBy(touched::next).isInstanceOf(ConcurrentModificationException.class).hasMessageContaining("lmem0");

    Residency.Walk added = local.walk();
    added.next();
    local.add(object());
    assertThatThrownBy(added::next).isInstanceOf(ConcurrentModificationException.class);

    Residency.Walk removed = local.walk();
    GemObject first = removed.next();
    local.remove(o[1]);
    assertThatThrownBy(() -> local.evictedTo(removed, first, system)).isInstanceOf(ConcurrentModificationException.class);
    assertThat(first.listedIn).as("nothing moved").isSameAs(lmem);

    Residency.Walk pinned = local.walk();
    pinned.next();
    o[2].pin(); // the index changed: what the walk was told it may take is no longer true
    assertThatThrownBy(pinned::next).isInstanceOf(ConcurrentModificationException.class).hasMessageContaining("index");
  }

  @Test
  void aWalkEvictsOnlyTheObjectItReturnedLastAndOnlyOnce() {
    GemObject[] o = added(3);
    Residency.Walk w = local.walk();
    assertThatThrownBy(() -> local.evictedTo(w, o[0], system)).as("nothing returned yet")
        .isInstanceOf(IllegalStateException.class);
    w.next();
    w.next();
    assertThatThrownBy(() -> local.evictedTo(w, o[0], system)).isInstanceOf(IllegalStateException.class);
    local.evictedTo(w, o[1], system);
    assertThatThrownBy(() -> local.evictedTo(w, o[1], system)).isInstanceOf(IllegalStateException.class);
    assertThat(w.next()).isSameAs(o[2]);
    assertThat(w.hasNext()).isFalse();
    assertThatThrownBy(w::next).isInstanceOf(NoSuchElementException.class);
    assertThat(local.leastRecentlyUsedFirst()).containsExactly(o[0], o[2]);
  }
}
