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
}
