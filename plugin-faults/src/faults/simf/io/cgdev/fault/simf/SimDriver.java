package io.cgdev.fault.simf;

import io.cgdev.api.spi.*;
import java.util.List;

/** A fault plugin: driver simf. */
public final class SimDriver implements DriverProvider, DeviceWorkloads {
  volatile DeviceRegistration registration;

  public SimDriver() {}

  @Override
  public String name() {
    return "simf";
  }

  @Override
  public void probe(DriverContext ctx) {
    registration = ctx.register(DeviceSpec.builder("sf0", "simf").controllers("memory").region(new RegionSpec("mem", 1L << 30)).build());
  }

  @Override
  public List<String> devices() {
    return List.of("sf0");
  }

  @Override
  public List<String> regions(String device) {
    return List.of("mem");
  }

  @Override
  public Allocation allocate(String device, String region, io.cgdev.api.Task task, long bytes) {
    throw new IllegalStateException("simf: allocate broken on purpose");
  }
}
