package io.cgdev.sim;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Task;
import io.cgdev.sim.scenario.Scenario.Tenant;
import io.cgdev.sim.scenario.Scenario.Workload;

/** A memory workload on a plugin device: buffers allocated and churned through its allocator. */
final class PluginStream extends BufferStream<AutoCloseable> {
  private final PluginDevices.Allocator allocator;
  private final Task task;

  PluginStream(Workload w, Tenant tenant, TenantStats stats, PluginDevices.Allocator allocator, Task task) {
    super(w, tenant, stats);
    this.allocator = allocator;
    this.task = task;
  }

  @Override
  boolean allocate() {
    events++;
    try {
      buffers.addLast(allocator.allocate(task, w.bufferBytes()));
      stats.allocations++;
      return true;
    } catch (CgroupException e) {
      stats.failed++;
      return false;
    } catch (Throwable e) {
      throw new IllegalStateException("plugin device allocation failed: " + e, e);
    }
  }

  @Override
  boolean alive() {
    return task.alive();
  }

  /** A plugin driver may not hear of the kill: the dead task's buffers are freed for it, as its files close. */
  @Override
  void died(java.util.List<AutoCloseable> held) {
    held.forEach(this::free);
  }

  @Override
  void free(AutoCloseable buffer) {
    events++;
    try {
      buffer.close();
    } catch (Exception e) {
      throw new IllegalStateException("plugin device free failed: " + e, e);
    }
  }
}
