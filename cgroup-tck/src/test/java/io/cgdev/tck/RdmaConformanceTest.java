package io.cgdev.tck;

import io.cgdev.api.Task;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DriverProvider;
import io.cgdev.controller.memory.MemoryController;
import io.cgdev.sample.rdma.RdmaDriver;
import java.util.List;

/**
 * The sample rdma driver passes the kit: memory registrations are pinned (not evictable), so at
 * {@code memory.max} a registration fails with ENOSPC; they cannot be shared.
 */
class RdmaConformanceTest extends DriverConformance {
  @Override
  protected DriverUnderTest driverUnderTest() {
    return new DriverUnderTest() {
      private final RdmaDriver driver = new RdmaDriver();

      @Override
      public DriverProvider provider() {
        return driver;
      }

      @Override
      public List<Controller<?>> controllers() {
        return List.of(new MemoryController());
      }

      @Override
      public String device() {
        return RdmaDriver.DEVICE;
      }

      @Override
      public String region() {
        return RdmaDriver.REGION;
      }

      @Override
      public Buffer allocate(Task task, long bytes) {
        AutoCloseable registration = driver.allocate(device(), task, bytes);
        return () -> {
          try {
            registration.close();
          } catch (Exception e) {
            throw new IllegalStateException("rdma: deregistering failed", e);
          }
        };
      }
    };
  }
}
