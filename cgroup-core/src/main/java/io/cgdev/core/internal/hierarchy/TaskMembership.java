package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import io.cgdev.api.spi.Migration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Which cgroup each modelled thread is in (the kernel's css_set links): tasks start in a cgroup
 * (fork), start threads (clone), leave (exit, kill) and move between cgroups, whole
 * ({@code cgroup.procs}) or thread by thread ({@code cgroup.threads}, within one threaded subtree):
 * the destination is vetted as {@code cgroup_migrate_vet_dst} does ({@link ThreadedMode}), then every
 * controller's two-phase attach runs when the task's resource domain changes. Each change returns the
 * cgroups whose thread lists changed, so that {@link Hierarchy} can update {@code populated} up the
 * tree and tell the drivers.
 *
 * <p>Ids of tasks and threads come from one space, as pids and tids do. Changes run under the
 * hierarchy lock; {@link #task}, {@link #thread}, {@link #all} and {@link #cgroupOf} take none.
 */
final class TaskMembership {
  private final ControllerTable controllers;
  private final ConcurrentSkipListMap<Integer, ModelTask> byPid = new ConcurrentSkipListMap<>();
  private final ConcurrentSkipListMap<Integer, ModelTask.ModelThread> byTid = new ConcurrentSkipListMap<>();
  private int nextId = 1;

  TaskMembership(ControllerTable controllers) {
    this.controllers = controllers;
  }

  /** See {@link Hierarchy#spawn}; the new task's main thread is in {@code c}. */
  ModelTask spawn(String name, Cgroup c) {
    if (!c.online()) {
      throw CgroupException.of(Errno.ENOENT, "cannot start %s in %s: the cgroup was removed", name, c);
    }
    ThreadedMode.vetDestination(c, name, controllers);
    ModelTask t = new ModelTask(nextId++, name, c);
    byPid.put(t.pid(), t);
    byTid.put(t.pid(), t.main());
    c.addThread(t.main());
    return t;
  }

  /** See {@link Hierarchy#spawnThread}; the new thread is in the main thread's cgroup. */
  ModelTask.ModelThread spawnThread(int pid) {
    ModelTask t = byPid.get(pid);
    if (t == null) {
      throw CgroupException.of(Errno.ESRCH, "cannot start a thread in task %d: no such task", pid);
    }
    Cgroup c = t.cgroupHandle();
    ModelTask.ModelThread th = new ModelTask.ModelThread(nextId++, t, c);
    t.addThread(th);
    byTid.put(th.tid(), th);
    c.addThread(th);
    return th;
  }

  /** See {@link Hierarchy#exit}. @return the cgroups its threads left */
  Set<Cgroup> exit(int pid) {
    ModelTask t = byPid.remove(pid);
    if (t == null) {
      throw CgroupException.of(Errno.ESRCH, "no task with pid %d", pid);
    }
    Set<Cgroup> left = new LinkedHashSet<>();
    for (ModelTask.ModelThread th : t.threadArray()) {
      byTid.remove(th.tid());
      th.cgroup().removeThread(th);
      left.add(th.cgroup());
    }
    t.exited();
    return left;
  }

  /** See {@link Hierarchy#exitThread}. @return the thread that ended */
  ModelTask.ModelThread exitThread(int tid) {
    ModelTask.ModelThread th = byTid.get(tid);
    if (th == null) {
      throw CgroupException.of(Errno.ESRCH, "no thread with id %d", tid);
    }
    if (th.isMain()) {
      throw CgroupException.of(Errno.EINVAL, "thread %d is the main thread of task %d: end the task instead", tid, tid);
    }
    byTid.remove(tid);
    th.task().removeThread(th);
    th.cgroup().removeThread(th);
    th.exited();
    return th;
  }

  /**
   * See {@link Hierarchy#migrate}: the task of the thread {@code id} names moves whole (a thread
   * id stands for its task, as the kernel takes the thread group leader).
   *
   * @return the cgroups its threads left (empty if all were in {@code to} already)
   */
  Set<Cgroup> migrate(int id, Cgroup to) {
    ModelTask.ModelThread named = byTid.get(id);
    if (named == null) {
      throw CgroupException.of(Errno.ESRCH, "cannot move pid %d to %s: no such task", id, to);
    }
    ModelTask t = named.task();
    if (!to.online()) {
      throw CgroupException.of(Errno.ENOENT, "cannot move pid %d to %s: the cgroup was removed", id, to);
    }
    ThreadedMode.vetDestination(to, "pid " + id, controllers);
    List<ModelTask.ModelThread> moving = new ArrayList<>();
    for (ModelTask.ModelThread th : t.threadArray()) {
      if (th.cgroup() != to) {
        moving.add(th);
      }
    }
    if (moving.isEmpty()) {
      return Set.of();
    }
    Set<Cgroup> left = new LinkedHashSet<>();
    Runnable move = () -> {
      for (ModelTask.ModelThread th : moving) {
        left.add(th.cgroup());
        th.cgroup().removeThread(th);
        to.addThread(th);
        th.cgroup(to);
      }
    };
    Cgroup fromDomain = t.cgroupHandle().dom();
    Cgroup toDomain = to.dom();
    if (fromDomain == toDomain) {
      move.run(); // the domain controllers' state stays the same: no attach (the kernel's ss_mask is empty)
    } else {
      controllers.attach(new Migration(t, fromDomain, toDomain), move);
    }
    return left;
  }

  /**
   * See {@link Hierarchy#migrateThread}: one thread moves, within its resource domain.
   *
   * @return the cgroup it left, or {@code null} if it was in {@code to} already
   */
  Cgroup migrateThread(int tid, Cgroup to) {
    ModelTask.ModelThread th = byTid.get(tid);
    if (th == null) {
      throw CgroupException.of(Errno.ESRCH, "cannot move thread %d to %s: no such thread", tid, to);
    }
    if (!to.online()) {
      throw CgroupException.of(Errno.ENOENT, "cannot move thread %d to %s: the cgroup was removed", tid, to);
    }
    ThreadedMode.vetDestination(to, "thread " + tid, controllers);
    Cgroup from = th.cgroup();
    if (from.dom() != to.dom()) {
      throw CgroupException.of(Errno.EOPNOTSUPP,
          "cannot move thread %d from %s to %s: a thread stays in its threaded subtree (domain %s, not %s)",
          tid, from, to, from.dom(), to.dom());
    }
    if (from == to) {
      return null;
    }
    from.removeThread(th);
    to.addThread(th);
    th.cgroup(to);
    return from;
  }

  /** The live task with this pid, or {@code null}. */
  ModelTask task(int pid) {
    return byPid.get(pid);
  }

  /** The live thread with this id, or {@code null}. */
  ModelTask.ModelThread thread(int tid) {
    return byTid.get(tid);
  }

  /** All live tasks by pid; a weakly consistent view. */
  Collection<ModelTask> all() {
    return byPid.values();
  }

  /** See {@link Hierarchy#cgroupOf}: the cgroup of the task's main thread. */
  Cgroup cgroupOf(Task task) {
    ModelTask t = task instanceof ModelTask m && m.alive() ? m : byPid.get(task.pid());
    if (t == null || !t.alive()) {
      throw CgroupException.of(Errno.ESRCH, "task %d has exited", task.pid());
    }
    return t.cgroupHandle();
  }
}
