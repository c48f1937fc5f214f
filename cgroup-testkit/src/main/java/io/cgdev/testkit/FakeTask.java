package io.cgdev.testkit;

import io.cgdev.api.CgroupPath;
import io.cgdev.api.Stability;
import io.cgdev.api.Task;

/**
 * A modelled process of a {@link FakeCgroups} tree, made by {@link FakeCgroups#spawn}; {@link
 * FakeCgroups#migrate} moves it through the controllers' attach hooks. Thread-safe reads.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class FakeTask implements Task {
  private final int pid;
  private final String name;
  private volatile CgroupPath cgroup;
  private volatile boolean alive = true;

  FakeTask(int pid, String name, CgroupPath cgroup) {
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
    return cgroup;
  }

  @Override
  public boolean alive() {
    return alive;
  }

  void moveTo(CgroupPath to) {
    cgroup = to;
  }

  void exited() {
    alive = false;
  }

  @Override
  public String toString() {
    return name + "[" + pid + "] in " + cgroup;
  }
}
