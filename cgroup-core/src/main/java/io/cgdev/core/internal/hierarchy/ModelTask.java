package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.CgroupPath;
import io.cgdev.api.Task;

/** A modelled process. Its cgroup and liveness change under the hierarchy lock and read without it. */
public final class ModelTask implements Task {
  private final int pid;
  private final String name;
  private volatile Cgroup cgroup;
  private volatile boolean alive = true;

  ModelTask(int pid, String name, Cgroup cgroup) {
    this.pid = pid;
    this.name = name;
    this.cgroup = cgroup;
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
    return cgroup.path();
  }

  /** The cgroup object the task is in now. */
  public Cgroup cgroupHandle() {
    return cgroup;
  }

  void cgroup(Cgroup c) {
    cgroup = c;
  }

  @Override
  public boolean alive() {
    return alive;
  }

  void exited() {
    alive = false;
  }

  @Override
  public String toString() {
    return pid + " (" + name + ") in " + cgroup;
  }
}
