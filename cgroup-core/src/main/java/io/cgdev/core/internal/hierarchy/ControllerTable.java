package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.spi.Migration;
import io.cgdev.core.internal.guard.PluginGuard;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The controllers of a hierarchy, fixed at boot (the kernel's cgroup_subsys[] array): by dense index,
 * by name, and as masks ({@code cgroup.subtree_control} bits). Immutable; read without a lock.
 */
public final class ControllerTable implements Iterable<ControllerEntry<?>> {
  private final List<ControllerEntry<?>> list;
  private final Map<String, ControllerEntry<?>> byName;
  private final long all;
  private final PluginGuard guard;

  /** @throws IllegalArgumentException if an entry's index is not its list position */
  ControllerTable(List<ControllerEntry<?>> controllers, PluginGuard guard) {
    this.guard = guard;
    this.list = List.copyOf(controllers);
    Map<String, ControllerEntry<?>> names = new LinkedHashMap<>();
    long mask = 0;
    for (int i = 0; i < list.size(); i++) {
      ControllerEntry<?> c = list.get(i);
      if (c.index() != i) {
        throw new IllegalArgumentException("controller " + c + " has index " + c.index() + ", expected " + i);
      }
      names.put(c.name(), c);
      mask |= c.bit();
    }
    this.byName = Collections.unmodifiableMap(names);
    this.all = mask;
  }

  /** The controllers in index (= name) order. */
  public List<ControllerEntry<?>> list() {
    return list;
  }

  @Override
  public Iterator<ControllerEntry<?>> iterator() {
    return list.iterator();
  }

  /** The controller of this name, or {@code null}. */
  public ControllerEntry<?> get(String name) {
    return byName.get(name);
  }

  /** The controller names in index order. */
  public Set<String> names() {
    return byName.keySet();
  }

  /** The mask with every controller's bit. */
  public long all() {
    return all;
  }

  /** Names of the controllers in a mask, in index order. */
  public List<String> names(long mask) {
    List<String> out = new ArrayList<>(Long.bitCount(mask));
    for (ControllerEntry<?> e : list) {
      if ((mask & e.bit()) != 0) {
        out.add(e.name());
      }
    }
    return out;
  }

  /**
   * The two-phase attach of a migration (the kernel's cgroup_migrate): {@code canAttach} of every
   * controller in index order; on a refusal {@code cancelAttach} of those that accepted, last first,
   * and the refusal propagates with nothing done. Else {@code commit} runs, then every {@code attach}.
   * Under the hierarchy lock. A {@code canAttach} that throws anything but a {@link
   * io.cgdev.api.CgroupException} refuses with {@code EIO} ({@link PluginGuard}).
   */
  void attach(Migration m, Runnable commit) {
    int accepted = 0;
    try {
      for (ControllerEntry<?> e : list) {
        guard.run(e.plugin(), "canAttach of pid " + m.task().pid() + " to " + m.to().path(), () -> e.controller().canAttach(m));
        accepted++;
      }
    } catch (RuntimeException refusal) {
      for (int i = accepted - 1; i >= 0; i--) {
        ControllerEntry<?> e = list.get(i);
        guard.hook(e.plugin(), "cancelAttach of pid " + m.task().pid(), () -> e.controller().cancelAttach(m));
      }
      throw refusal;
    }
    commit.run();
    for (ControllerEntry<?> e : list) {
      guard.hook(e.plugin(), "attach of pid " + m.task().pid() + " to " + m.to().path(), () -> e.controller().attach(m));
    }
  }
}
