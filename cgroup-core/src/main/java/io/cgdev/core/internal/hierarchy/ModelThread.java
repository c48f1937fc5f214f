package io.cgdev.core.internal.hierarchy;

/**
 * One thread of a modelled task (the kernel's task_struct; a {@link ModelTask} is its thread group).
 * Each thread is in one cgroup; in a threaded subtree the threads of a task may sit in different
 * cgroups. Its cgroup and liveness change under the hierarchy lock and are read without it.
 */
public final class ModelThread {
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
