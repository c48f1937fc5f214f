package io.cgdev.core.internal.hierarchy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import io.cgdev.core.internal.guard.PluginGuard;

/**
 * Removed cgroups whose states still hold charges (the kernel's dying csses, counted in {@code
 * cgroup.stat} as {@code nr_dying_descendants}). A removed cgroup is freed (states freed, id
 * released) once every state has drained and no child of it is still dying; until then it stays
 * here. States drain without the lock (a driver uncharges), so the list is polled: see {@link
 * Hierarchy#locked} and {@link Hierarchy#pollDying}.
 *
 * <p>Every method but {@link #any()} runs under the hierarchy lock.
 */
final class DyingCgroups {
  private static final Comparator<Cgroup> CHILDREN_FIRST = Comparator.comparingInt(Cgroup::level).reversed();

  private final IdPool ids;
  private final PluginGuard guard;
  private final List<Cgroup> dying = new ArrayList<>();
  private volatile boolean any;
  /** What {@link #snapshot} answers: a copy of {@link #dying}, replaced on every change. */
  private volatile List<Cgroup> snapshot = List.of();

  /**
   * @param ids where a freed cgroup's id goes back
   * @param guard around the states' {@code drained} and {@code free}
   */
  DyingCgroups(IdPool ids, PluginGuard guard) {
    this.ids = ids;
    this.guard = guard;
  }

  /** True if a cgroup is dying; lock-free, so that polls cost one volatile read when none is. */
  boolean any() {
    return any;
  }

  /** A cgroup was just removed and its states offlined: frees it now if it can, else it dies. */
  void removed(Cgroup c) {
    if (freeable(c)) {
      free(c);
    } else {
      dying.add(c);
      any = true;
      snapshot = List.copyOf(dying);
      c.countDying(1);
    }
  }

  /** Frees the dying cgroups that can go, children before parents. */
  void reap() {
    if (dying.isEmpty()) {
      return;
    }
    dying.sort(CHILDREN_FIRST);
    for (var it = dying.iterator(); it.hasNext(); ) {
      Cgroup c = it.next();
      if (freeable(c)) {
        it.remove();
        free(c);
        c.countDying(-1);
      }
    }
    any = !dying.isEmpty();
    if (snapshot.size() != dying.size()) {
      snapshot = List.copyOf(dying);
    }
  }

  /** The dying cgroups now, in no order; lock-free (for {@code cgroup.stat}). */
  List<Cgroup> snapshot() {
    return snapshot;
  }

  /** The dying cgroups, children before parents (a copy). */
  List<Cgroup> childrenFirst() {
    dying.sort(CHILDREN_FIRST);
    return new ArrayList<>(dying);
  }

  private boolean freeable(Cgroup c) {
    return c.dyingChildren() == 0 && c.statesDrained(guard);
  }

  private void free(Cgroup c) {
    c.freeStates(guard);
    ids.release(c.id());
  }
}
