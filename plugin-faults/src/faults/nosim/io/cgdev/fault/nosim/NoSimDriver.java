package io.cgdev.fault.nosim;

import io.cgdev.api.spi.*;
import java.util.List;

/** A fault plugin: driver nosim. */
public final class NoSimDriver implements DriverProvider {
  volatile DeviceRegistration registration;

  public NoSimDriver() {}

  @Override
  public String name() {
    return "nosim";
  }

  @Override
  public void probe(DriverContext ctx) {
    registration = ctx.register(DeviceSpec.builder("ns0", "nosim").controllers("memory").region(new RegionSpec("mem", 1L << 30)).build());
  }
}
