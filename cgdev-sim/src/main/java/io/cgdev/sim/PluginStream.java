package io.cgdev.sim;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Task;
import io.cgdev.api.spi.DeviceWorkloads;
import io.cgdev.sim.scenario.Scenario.Tenant;
import io.cgdev.sim.scenario.Scenario.Workload;

/**
 * A workload on a plugin device: buffers allocated in one region and churned through the driver's
 * {@link DeviceWorkloads}, and, for a workload with an engine class, {@code load} of device time
 * submitted for every step. A refusal or a plugin fault counts as a failed allocation (or is dropped
 * work); it never ends the run.
 */
final class PluginStream extends BufferStream<DeviceWorkloads.Allocation> {
  private final PluginDevices.Device device;
  private final String region;
  private final Task task;
  private double workCredit;

  PluginStream(Workload w, Tenant tenant, TenantStats stats, PluginDevices.Device device, String region, Task task) {
    super(w, tenant, stats);
    this.device = device;
    this.region = region;
    this.task = task;
  }

  @Override
  void step(long tick) {
    super.step(tick);
    if (w.engineClass() != null) {
      workCredit += w.load() * tick;
      long nanos = (long) workCredit;
      workCredit -= nanos;
      if (nanos > 0) {
        try {
          device.submit(task, w.engineClass(), nanos);
          events++;
        } catch (CgroupException e) {
          // refused work (throttled, device gone) is dropped, as a busy device would drop it
        }
      }
    }
  }

  @Override
  DeviceWorkloads.Allocation newBuffer() {
    return device.allocate(region, task, w.bufferBytes());
  }

  @Override
  boolean alive() {
    return task.alive();
  }

  /** A plugin driver may not hear of the kill: the dead task's buffers are freed for it, as its files close. */
  @Override
  void died(java.util.List<DeviceWorkloads.Allocation> held) {
    held.forEach(this::free);
  }

  @Override
  void free(DeviceWorkloads.Allocation buffer) {
    events++;
    try {
      device.free(buffer);
    } catch (CgroupException e) {
      stats.failed++;
    }
  }
}
