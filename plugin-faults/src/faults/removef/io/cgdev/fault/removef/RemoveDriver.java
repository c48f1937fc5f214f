package io.cgdev.fault.removef;

import io.cgdev.api.spi.*;
import java.util.List;

/** A fault plugin: driver removef. */
public final class RemoveDriver implements DriverProvider {
  volatile DeviceRegistration registration;

  public RemoveDriver() {}

  @Override
  public String name() {
    return "removef";
  }

  @Override
  public void probe(DriverContext ctx) {
    registration = ctx.register(DeviceSpec.builder("rf0", "removef").controllers("memory").region(new RegionSpec("mem", 1L << 30)).build());
  }

  @Override
  public void remove() {
    throw new IllegalStateException("removef: remove failed, broken on purpose");
  }
}
