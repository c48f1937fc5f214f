package io.cgdev.fault.bindf;

import io.cgdev.api.spi.*;
import java.util.List;

/** A fault plugin: driver binddrv. */
public final class BindDriver implements DriverProvider {
  volatile DeviceRegistration registration;

  public BindDriver() {}

  @Override
  public String name() {
    return "binddrv";
  }

  @Override
  public void probe(DriverContext ctx) {
    registration = ctx.register(DeviceSpec.builder("bd0", "binddrv").controllers("bindf", "memory").region(new RegionSpec("mem", 1L << 30)).build());
  }
}
