package io.cgdev.api;

/**
 * A modelled process: the thing a cgroup contains. A device client (e.g. a DRM file) is opened by a
 * task and charged to the task's cgroup at the time of each charge.
 */
@Stability(Stability.Status.STABLE)
public interface Task {
  /** The process id, unique while the task lives; never 0. */
  int pid();

  /** A human-readable name, e.g. {@code trainer}. */
  String name();

  /** The cgroup the task is in now; it changes when the task is migrated. */
  CgroupPath cgroup();

  /** False once the task has exited. */
  boolean alive();
}
