package io.cgdev.api;

import java.util.List;
import java.util.Optional;

/**
 * The modelled process table. Thread-safe.
 */
@Stability(Stability.Status.STABLE)
public interface Tasks {
  /**
   * Starts a task in a cgroup.
   *
   * @throws CgroupException {@code ENOENT} if the cgroup does not exist, {@code EBUSY} if it has
   *     controllers enabled in its {@code cgroup.subtree_control} (no internal processes)
   */
  Task spawn(String name, CgroupPath cgroup);

  /**
   * Moves a task, exactly as writing its pid to the destination's {@code cgroup.procs} does.
   *
   * @throws CgroupException {@code ESRCH}, {@code ENOENT}, {@code EBUSY}, or a controller's refusal
   */
  void move(int pid, CgroupPath destination);

  /**
   * Ends a task; its cgroup may become unpopulated. The charges it made stay where they are until
   * the objects holding them are freed.
   *
   * @throws CgroupException {@code ESRCH} if no such task lives
   */
  void exit(int pid);

  /** The live task with this pid. */
  Optional<Task> find(int pid);

  /** All live tasks, by pid. */
  List<Task> all();
}
