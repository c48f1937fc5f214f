package io.cgdev.fault.statef;

import io.cgdev.api.spi.*;
import java.util.List;

/** A fault plugin: driver statedrv. */
public final class StateDriver implements DriverProvider {
  volatile DeviceRegistration registration;

  public StateDriver() {}

  @Override
  public String name() {
    return "statedrv";
  }

  @Override
  public void probe(DriverContext ctx) {
    registration = ctx.register(DeviceSpec.builder("sd0", "statedrv").controllers("statef", "memory").region(new RegionSpec("mem", 1L << 30)).build());
  }
}
