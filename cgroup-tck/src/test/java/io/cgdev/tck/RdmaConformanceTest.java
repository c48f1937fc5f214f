package io.cgdev.tck;

import io.cgdev.controller.memory.MemoryController;
import io.cgdev.sample.rdma.RdmaDriver;
import java.util.List;

/**
 * The sample rdma driver passes the kit through its own {@code DeviceWorkloads}: memory registrations
 * are pinned (not evictable), so at {@code memory.max} a registration fails with ENOSPC; they cannot
 * be shared.
 */
class RdmaConformanceTest extends DriverConformance {
  @Override
  protected DriverUnderTest driverUnderTest() {
    return DriverUnderTest.of(new RdmaDriver(), List.of(new MemoryController()), RdmaDriver.DEVICE);
  }
}
