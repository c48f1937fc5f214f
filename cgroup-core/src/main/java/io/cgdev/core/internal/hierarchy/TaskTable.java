package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.CgroupPath;
import io.cgdev.api.Task;
import io.cgdev.api.Tasks;
import java.util.List;
import java.util.Optional;

/** The {@link Tasks} view of a hierarchy's process table. Thread-safe; changes take the hierarchy lock. */
public final class TaskTable implements Tasks {
  private final Hierarchy hierarchy;

  public TaskTable(Hierarchy hierarchy) {
    this.hierarchy = hierarchy;
  }

  @Override
  public Task spawn(String name, CgroupPath cgroup) {
    return hierarchy.locked(() -> hierarchy.spawn(name, hierarchy.require(cgroup)));
  }

  @Override
  public void move(int pid, CgroupPath destination) {
    hierarchy.locked(() -> hierarchy.migrate(pid, hierarchy.require(destination)));
  }

  @Override
  public void exit(int pid) {
    hierarchy.exit(pid);
  }

  @Override
  public int spawnThread(int pid) {
    return hierarchy.spawnThread(pid).tid();
  }

  @Override
  public void moveThread(int tid, CgroupPath destination) {
    hierarchy.locked(() -> hierarchy.migrateThread(tid, hierarchy.require(destination)));
  }

  @Override
  public void exitThread(int tid) {
    hierarchy.exitThread(tid);
  }

  @Override
  public Optional<Task> find(int pid) {
    return Optional.ofNullable(hierarchy.task(pid));
  }

  @Override
  public List<Task> all() {
    return List.copyOf(hierarchy.tasks());
  }
}
