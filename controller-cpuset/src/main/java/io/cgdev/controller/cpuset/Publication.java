package io.cgdev.controller.cpuset;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One structural change on its way into the next {@link Snapshot}: the states whose view it sets or
 * drops, the engines of valid isolated partitions kept up to date per engine, and which views it
 * changed, so that the listeners hear of the topmost changed cgroups only. Made, filled and
 * published under the hierarchy lock by {@link CpusetBinding}; every state is set at most once per
 * change, and a view equal to the published one is not written again.
 */
final class Publication {
  private final SlotTable.Editor<Snapshot.Entry> editor;
  /** Per engine: how many published views are valid isolated partitions holding it (the binding's). */
  private final int[] isolatedUse;
  /** The view each touched state had before this change (null: it is new). */
  private final Map<CpusetState, Effective> before = new IdentityHashMap<>();

  Publication(Snapshot from, int[] isolatedUse) {
    this.editor = from.entries().edit();
    this.isolatedUse = isolatedUse;
  }

  /** Sets {@code state}'s view, handed {@code input} by its parent. */
  void put(CpusetState state, Effective input, Effective view) {
    state.input(input);
    Effective old = state.current();
    before.putIfAbsent(state, old);
    if (view.equals(old)) {
      return;
    }
    count(old, -1);
    count(view, +1);
    state.current(view);
    editor.set(state.slot(), new Snapshot.Entry(state, view));
  }

  /** Takes {@code state} out of the table. */
  void drop(CpusetState state) {
    Effective old = state.current();
    before.putIfAbsent(state, old);
    count(old, -1);
    state.current(null);
    editor.set(state.slot(), null);
  }

  /** The next generation. The publication cannot be used afterwards. */
  Snapshot publish(long generation) {
    long isolated = 0;
    for (int engine = 0; engine < isolatedUse.length; engine++) {
      if (isolatedUse[engine] > 0) {
        isolated |= 1L << engine;
      }
    }
    return new Snapshot(generation, editor.publish(), isolated);
  }

  /**
   * The states whose engines or regions this change altered and whose parent's did not change (the
   * parent's listeners cover the children), in slot order. New and removed states do not count.
   */
  List<CpusetState> topmostChanged() {
    List<CpusetState> out = new ArrayList<>();
    for (CpusetState s : before.keySet()) {
      if (changed(s) && (s.isRoot() || !changed(s.parent()))) {
        out.add(s);
      }
    }
    out.sort(Comparator.comparingInt(CpusetState::slot));
    return out;
  }

  private boolean changed(CpusetState s) {
    Effective old = before.get(s);
    Effective now = s.current();
    return old != null && now != null && (old.cpus() != now.cpus() || old.mems() != now.mems());
  }

  private void count(Effective view, int delta) {
    if (view == null || !view.validPartition() || view.partition() != Partition.ISOLATED) {
      return;
    }
    for (long rest = view.cpus(); rest != 0; rest &= rest - 1) {
      isolatedUse[Long.numberOfTrailingZeros(rest)] += delta;
    }
  }
}
