package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import io.cgdev.api.spi.Migration;
import java.util.Collection;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Which cgroup each modelled task is in (the kernel's css_set links): tasks start in a cgroup
 * (fork), leave it (exit) and move between cgroups (cgroup_migrate: the no-internal-process rule,
 * then every controller's two-phase attach). Each change returns the cgroups whose task lists changed,
 * so that {@link Hierarchy} can update {@code populated} up the tree.
 *
 * <p>Changes run under the hierarchy lock; {@link #task}, {@link #all} and {@link #cgroupOf} take
 * none.
 */
final class TaskMembership {
  private final ControllerTable controllers;
  private final ConcurrentSkipListMap<Integer, ModelTask> byPid = new ConcurrentSkipListMap<>();
  private int nextPid = 1;

  TaskMembership(ControllerTable controllers) {
    this.controllers = controllers;
  }

  /** See {@link Hierarchy#spawn}; the new task is in {@code c}. */
  ModelTask spawn(String name, Cgroup c) {
    if (!c.online()) {
      throw CgroupException.of(Errno.ENOENT, "cannot start %s in %s: the cgroup was removed", name, c);
    }
    checkNoInternalProcess(c, name);
    ModelTask t = new ModelTask(nextPid++, name, c);
    byPid.put(t.pid(), t);
    c.addTask(t);
    return t;
  }

  /** See {@link Hierarchy#exit}. @return the cgroup the task left */
  Cgroup exit(int pid) {
    ModelTask t = byPid.remove(pid);
    if (t == null) {
      throw CgroupException.of(Errno.ESRCH, "no task with pid %d", pid);
    }
    t.exited();
    Cgroup c = t.cgroupHandle();
    c.removeTask(t);
    return c;
  }

  /** See {@link Hierarchy#migrate}. @return the cgroup the task left, or {@code null} if it was in {@code to} already */
  Cgroup migrate(int pid, Cgroup to) {
    ModelTask t = byPid.get(pid);
    if (t == null) {
      throw CgroupException.of(Errno.ESRCH, "cannot move pid %d to %s: no such task", pid, to);
    }
    if (!to.online()) {
      throw CgroupException.of(Errno.ENOENT, "cannot move pid %d to %s: the cgroup was removed", pid, to);
    }
    checkNoInternalProcess(to, "pid " + pid);
    Cgroup from = t.cgroupHandle();
    if (from == to) {
      return null;
    }
    controllers.attach(new Migration(t, from, to), () -> {
      from.removeTask(t);
      to.addTask(t);
      t.cgroup(to);
    });
    return from;
  }

  /** No tasks in a non-root cgroup that enables controllers for its children: {@code EBUSY}. */
  private void checkNoInternalProcess(Cgroup c, Object what) {
    if (!c.isRoot() && c.subtreeControl() != 0) {
      throw CgroupException.of(Errno.EBUSY, "cannot put %s into %s: it enables %s in cgroup.subtree_control (no internal processes)",
          what, c, String.join(" ", controllers.names(c.subtreeControl())));
    }
  }

  /** The live task with this pid, or {@code null}. */
  ModelTask task(int pid) {
    return byPid.get(pid);
  }

  /** All live tasks by pid; a weakly consistent view. */
  Collection<ModelTask> all() {
    return byPid.values();
  }

  /** See {@link Hierarchy#cgroupOf}. */
  Cgroup cgroupOf(Task task) {
    ModelTask t = task instanceof ModelTask m && m.alive() ? m : byPid.get(task.pid());
    if (t == null || !t.alive()) {
      throw CgroupException.of(Errno.ESRCH, "task %d has exited", task.pid());
    }
    return t.cgroupHandle();
  }
}
