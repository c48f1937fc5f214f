package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.CgroupPath;
import io.cgdev.api.Task;
import java.util.List;

/**
 * A modelled process: a thread group whose main thread's id is the pid. Its threads, cgroup and
 * liveness change under the hierarchy lock and are read without it (the thread list is an immutable
 * array replaced on change). Where the task "is" — {@code cgroup.procs}, a driver's charges — is its
 * main thread's cgroup.
 */
public final class ModelTask implements Task {
  private static final ModelThread[] NO_THREADS = new ModelThread[0];

  private final int pid;
  private final String name;
  private final ModelThread main;
  private volatile ModelThread[] threads;
  private volatile boolean alive = true;
  // what the drivers were last told (TaskObserver.frozen/thawed); only touched under the lock
  private boolean frozenForDrivers;

  ModelTask(int pid, String name, Cgroup cgroup) {
    this.pid = pid;
    this.name = name;
    this.main = new ModelThread(pid, this, cgroup);
    this.threads = new ModelThread[] {main};
  }

  @Override
  public int pid() {
    return pid;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CgroupPath cgroup() {
    return main.cgroup().path();
  }

  /** The cgroup object the task's main thread is in now. */
  public Cgroup cgroupHandle() {
    return main.cgroup();
  }

  /** The main thread (the thread group leader). */
  public ModelThread main() {
    return main;
  }

  /** The live threads, main first, then by id; an immutable snapshot. */
  public ModelThread[] threadArray() {
    return threads;
  }

  @Override
  public List<Integer> threads() {
    ModelThread[] a = threads;
    Integer[] ids = new Integer[a.length];
    for (int i = 0; i < a.length; i++) {
      ids[i] = a[i].tid();
    }
    return List.of(ids);
  }

  void addThread(ModelThread t) {
    ModelThread[] a = threads;
    ModelThread[] b = java.util.Arrays.copyOf(a, a.length + 1);
    b[a.length] = t; // ids only grow, so appending keeps the order
    threads = b;
  }

  void removeThread(ModelThread t) {
    ModelThread[] a = threads;
    int n = 0;
    ModelThread[] b = new ModelThread[a.length];
    for (ModelThread x : a) {
      if (x != t) {
        b[n++] = x;
      }
    }
    threads = n == 0 ? NO_THREADS : java.util.Arrays.copyOf(b, n);
  }

  @Override
  public boolean alive() {
    return alive;
  }

  void exited() {
    alive = false;
    for (ModelThread t : threads) {
      t.exited();
    }
  }

  boolean frozenForDrivers() {
    return frozenForDrivers;
  }

  void frozenForDrivers(boolean frozen) {
    frozenForDrivers = frozen;
  }

  @Override
  public String toString() {
    return pid + " (" + name + ") in " + main.cgroup();
  }

  /**
   * One thread of a modelled task (the kernel's task_struct; a {@link ModelTask} is its thread group).
   * Each thread is in one cgroup; in a threaded subtree the threads of a task may sit in different
   * cgroups. Its cgroup and liveness change under the hierarchy lock and are read without it.
   */
  public static final class ModelThread {
    private final int tid;
    private final ModelTask task;
    private volatile Cgroup cgroup;
    private volatile boolean alive = true;

    ModelThread(int tid, ModelTask task, Cgroup cgroup) {
      this.tid = tid;
      this.task = task;
      this.cgroup = cgroup;
    }

    /** The thread id, from the pids' space; the main thread's is the task's pid. */
    public int tid() {
      return tid;
    }

    /** The task (thread group) it belongs to. */
    public ModelTask task() {
      return task;
    }

    /** True for the task's main thread (the thread group leader). */
    public boolean isMain() {
      return tid == task.pid();
    }

    /** The cgroup the thread is in now. */
    public Cgroup cgroup() {
      return cgroup;
    }

    void cgroup(Cgroup c) {
      cgroup = c;
    }

    public boolean alive() {
      return alive;
    }

    void exited() {
      alive = false;
    }

    @Override
    public String toString() {
      return "thread " + tid + " of " + task.pid() + " (" + task.name() + ") in " + cgroup;
    }
  }
}
