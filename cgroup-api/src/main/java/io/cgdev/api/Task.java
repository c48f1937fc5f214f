package io.cgdev.api;

import java.util.List;

/**
 * A modelled process: the thing a cgroup contains. A device client (e.g. a DRM file) is opened by a
 * task and charged to the task's cgroup at the time of each charge.
 *
 * <p>A task has one thread or more (the kernel's thread group): the main thread, whose id is the
 * task's pid, and those started with {@link Tasks#spawnThread}. Threads matter to the hierarchy only:
 * in a threaded subtree each may sit in its own cgroup ({@code cgroup.threads}), and freezing or
 * killing works on them as in the kernel. Device work belongs to the task as a whole: its clients
 * follow the main thread's cgroup, as {@code /proc/<pid>/cgroup} does.
 */
@Stability(Stability.Status.STABLE)
public interface Task {
  /** The process id, unique while the task lives; never 0. */
  int pid();

  /** A human-readable name, e.g. {@code trainer}. */
  String name();

  /**
   * The cgroup the task's main thread is in now (its {@code cgroup.procs} entry); it changes when the
   * task or its main thread is migrated.
   */
  CgroupPath cgroup();

  /** The ids of its live threads, the main thread (id = {@link #pid()}) first, then ascending. */
  List<Integer> threads();

  /** False once the task has exited. */
  boolean alive();
}
