package io.cgdev.fault.probef;

import io.cgdev.api.spi.*;
import java.util.List;

/** A fault plugin: driver probef. */
public final class ProbeDriver implements DriverProvider {
  volatile DeviceRegistration registration;

  public ProbeDriver() {}

  @Override
  public String name() {
    return "probef";
  }

  @Override
  public void probe(DriverContext ctx) {
    registration = ctx.register(DeviceSpec.builder("pf0", "probef").controllers("memory").region(new RegionSpec("mem", 1L << 30)).build());
    Object firmware = null;
    firmware.hashCode();
  }
}
