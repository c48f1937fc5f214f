package io.cgdev.core.internal.hierarchy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.core.internal.guard.PluginGuard;

/**
 * Removed cgroups whose states still hold charges (the kernel's dying csses, counted in {@code
 * cgroup.stat} as {@code nr_dying_descendants}). A removed cgroup is freed (states freed, id
 * released) once every state has drained, no child of it is still dying and no retired state of it
 * is left; until then it stays here.
 *
 * <p>It also keeps the <em>retired</em> states: those a live cgroup lost when its parent disabled
 * their controller in {@code cgroup.subtree_control} (the kernel kills that css and makes a new one
 * on the next enable). A retired state was offlined and replaced by a fresh one; it is freed once it
 * has drained and no retired state of the same slot below it is left (its children's counters add
 * into it), so the charges it still holds are returned to it, never lost and never counted twice. States drain without the lock (a driver uncharges), so the list is polled: see {@link
 * Hierarchy#locked} and {@link Hierarchy#pollDying}.
 *
 * <p>Every method but {@link #any()}, {@link #snapshot()} and {@link #retiredSnapshot()} runs under
 * the hierarchy lock.
 */
final class DyingCgroups {
  private static final Comparator<Cgroup> CHILDREN_FIRST = Comparator.comparingInt(Cgroup::level).reversed();

  private final IdPool ids;
  private final PluginGuard guard;
  private final List<Cgroup> dying = new ArrayList<>();
  private final List<Retired> retired = new ArrayList<>();
  /** What {@link #retiredSnapshot} answers: a copy of {@link #retired}, replaced on every change. */
  private volatile List<Retired> retiredSnapshot = List.of();
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

  /** A state taken out of a live cgroup, offlined, waiting to drain before it is freed. */
  record Retired(Cgroup cgroup, StateSlot<?> slot, DeviceState state) {}

  /** Keeps an offlined state until it drains ({@link #reap} frees it). */
  void retire(Cgroup c, StateSlot<?> slot, DeviceState state) {
    retired.add(new Retired(c, slot, state));
    retiredSnapshot = List.copyOf(retired);
    any = true;
  }

  /** The retired states now, in no order; lock-free (for {@code cgroup.stat}). */
  List<Retired> retiredSnapshot() {
    return retiredSnapshot;
  }

  /**
   * Takes out the retired states of these slots (a device is unregistering: they are freed with its
   * other states), children first.
   */
  List<Retired> takeRetired(List<StateSlot<?>> slots) {
    List<Retired> out = new ArrayList<>();
    for (var it = retired.iterator(); it.hasNext(); ) {
      Retired r = it.next();
      if (slots.contains(r.slot())) {
        it.remove();
        out.add(r);
      }
    }
    out.sort(Comparator.comparingInt((Retired r) -> r.cgroup().level()).reversed());
    retiredSnapshot = List.copyOf(retired);
    any = !dying.isEmpty() || !retired.isEmpty();
    return out;
  }

  /** How many retired states wait to drain (for tests and diagnostics). */
  int retiredCount() {
    return retired.size();
  }

  /** Frees the retired states and dying cgroups that can go, children before parents. */
  void reap() {
    reapRetired();
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
    any = !dying.isEmpty() || !retired.isEmpty();
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

  private void reapRetired() {
    if (retired.isEmpty()) {
      return;
    }
    retired.sort(Comparator.comparingInt((Retired r) -> r.cgroup().level()).reversed());
    for (int i = 0; i < retired.size(); ) {
      Retired r = retired.get(i);
      if (!retiredBelow(r) && guard.drained(r.state())) {
        retired.remove(i);
        guard.hook(r.slot().controller().plugin(), "free of retired state of device " + r.slot().registration().name()
            + " in " + r.cgroup(), r.state()::free);
      } else {
        i++;
      }
    }
    if (retiredSnapshot.size() != retired.size()) {
      retiredSnapshot = List.copyOf(retired);
    }
    any = !dying.isEmpty() || !retired.isEmpty();
  }

  /** True if a retired state of the same slot is left in a cgroup below {@code r}'s. */
  private boolean retiredBelow(Retired r) {
    for (Retired o : retired) {
      if (o != r && o.slot() == r.slot() && o.cgroup().level() > r.cgroup().level()) {
        for (Cgroup a = o.cgroup().parent(); a != null; a = a.parent()) {
          if (a == r.cgroup()) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** True if a retired state of this cgroup is still waiting. */
  private boolean hasRetired(Cgroup c) {
    for (Retired r : retired) {
      if (r.cgroup() == c) {
        return true;
      }
    }
    return false;
  }

  private boolean freeable(Cgroup c) {
    return c.dyingChildren() == 0 && c.statesDrained(guard) && !hasRetired(c);
  }

  private void free(Cgroup c) {
    c.freeStates(guard);
    ids.release(c.id());
  }
}
