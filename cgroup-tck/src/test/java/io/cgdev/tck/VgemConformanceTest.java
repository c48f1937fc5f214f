package io.cgdev.tck;

import io.cgdev.api.Task;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DriverProvider;
import io.cgdev.controller.memory.MemoryController;
import io.cgdev.sample.gem.GemController;
import io.cgdev.sample.gem.VgemDriver;
import java.util.List;

/**
 * The sample vgem driver passes the kit with both controllers it registers with: each object is
 * counted in {@code gem.current} and its bytes charged in {@code memory.current}, all or nothing.
 */
class VgemConformanceTest extends DriverConformance {
  @Override
  protected DriverUnderTest driverUnderTest() {
    return new VgemUnderTest(List.of(new GemController(), new MemoryController()),
        List.of(Meter.count("gem", VgemDriver.DEVICE), Meter.bytes(VgemDriver.DEVICE, VgemDriver.REGION)));
  }

  /** vgem with a chosen set of controllers; its objects cannot be shared or evicted. */
  static final class VgemUnderTest implements DriverUnderTest {
    private final VgemDriver driver = new VgemDriver();
    private final List<Controller<?>> controllers;
    private final List<Meter> meters;

    VgemUnderTest(List<Controller<?>> controllers, List<Meter> meters) {
      this.controllers = controllers;
      this.meters = meters;
    }

    @Override
    public DriverProvider provider() {
      return driver;
    }

    @Override
    public List<Controller<?>> controllers() {
      return controllers;
    }

    @Override
    public String device() {
      return VgemDriver.DEVICE;
    }

    @Override
    public String region() {
      return VgemDriver.REGION;
    }

    @Override
    public List<Meter> meters() {
      return meters;
    }

    @Override
    public Buffer allocate(Task task, long bytes) {
      return driver.allocate(device(), region(), task, bytes)::close;
    }
  }
}
