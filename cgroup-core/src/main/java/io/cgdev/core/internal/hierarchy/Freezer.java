package io.cgdev.core.internal.hierarchy;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code cgroup.freeze} (kernel/cgroup/freezer.c: {@code cgroup_freeze}): a cgroup freezes when it
 * or an ancestor writes 1, and thaws when none does any more; the count of those is its effective
 * freeze ({@code e_freeze}), which a new child inherits. Modelled threads have no code of their own
 * to stop, and their drivers stop their device work before the write returns ({@link
 * TaskObservers}), so a freezing cgroup is frozen at once: {@code frozen} in {@code cgroup.events}
 * follows the effective freeze without the kernel's asynchronous step. Under the hierarchy lock.
 */
final class Freezer {
  private Freezer() {}

  /**
   * Applies a write of {@code freeze} to {@code c}'s {@code cgroup.freeze}.
   *
   * @return the cgroups whose {@code cgroup.events} change and must be notified: those whose frozen
   *     state changed; just {@code c} if the setting changed but no state did (an ancestor decides),
   *     as the kernel then tells the writer that there is nothing to wait for; none if the setting
   *     was already so
   */
  static List<Cgroup> write(Cgroup c, boolean freeze) {
    if (c.freeze() == freeze) {
      return List.of();
    }
    c.freeze(freeze);
    List<Cgroup> changed = new ArrayList<>();
    for (Cgroup d : c.subtree()) {
      int e = d.effectiveFreeze() + (freeze ? 1 : -1);
      d.effectiveFreeze(e);
      if (freeze ? e == 1 : e == 0) {
        changed.add(d);
      }
    }
    return changed.isEmpty() ? List.of(c) : changed;
  }

  /** A new cgroup freezes as its parent does (before it can hold a task). */
  static void inherit(Cgroup child) {
    child.effectiveFreeze(child.parent().effectiveFreeze());
  }
}
