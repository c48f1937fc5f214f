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
   *     controllers enabled in its {@code cgroup.subtree_control} (no internal processes), {@code
   *     EOPNOTSUPP} if it is an invalid domain of a threaded subtree ({@code cgroup.type} {@code
   *     domain invalid})
   */
  Task spawn(String name, CgroupPath cgroup);

  /**
   * Moves a task, exactly as writing its pid to the destination's {@code cgroup.procs} does.
   *
   * @throws CgroupException {@code ESRCH}, {@code ENOENT}, {@code EBUSY}, {@code EOPNOTSUPP} (an
   *     invalid domain), or a controller's refusal
   */
  void move(int pid, CgroupPath destination);

  /**
   * Ends a task and all its threads; their cgroups may become unpopulated. The charges it made stay
   * where they are until the objects holding them are freed.
   *
   * @throws CgroupException {@code ESRCH} if no such task lives
   */
  void exit(int pid);

  /**
   * Starts a thread in a live task (the kernel's {@code clone(CLONE_THREAD)} from its main thread):
   * it begins in the main thread's cgroup, frozen if that cgroup is, and gets an id from the pids'
   * space.
   *
   * @return the new thread's id
   * @throws CgroupException {@code ESRCH} if no such task lives
   */
  int spawnThread(int pid);

  /**
   * Moves one thread, exactly as writing its id to the destination's {@code cgroup.threads} does
   * (within the task's threaded subtree only).
   *
   * @throws CgroupException {@code ESRCH}, {@code ENOENT}, {@code EOPNOTSUPP} (another resource
   *     domain, an invalid domain), {@code EBUSY}
   */
  void moveThread(int tid, CgroupPath destination);

  /**
   * Ends one thread other than the main one; its cgroup may become unpopulated.
   *
   * @throws CgroupException {@code ESRCH} if no such thread lives, {@code EINVAL} for a main thread
   *     (end the task with {@link #exit})
   */
  void exitThread(int tid);

  /** The live task with this pid. */
  Optional<Task> find(int pid);

  /** All live tasks, by pid. */
  List<Task> all();
}
