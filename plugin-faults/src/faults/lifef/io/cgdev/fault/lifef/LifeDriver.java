package io.cgdev.fault.lifef;

import io.cgdev.api.spi.*;
import java.util.List;

/** A fault plugin: driver lifedrv. */
public final class LifeDriver implements DriverProvider {
  volatile DeviceRegistration registration;

  public LifeDriver() {}

  @Override
  public String name() {
    return "lifedrv";
  }

  @Override
  public void probe(DriverContext ctx) {
    registration = ctx.register(DeviceSpec.builder("lf0", "lifedrv").controllers("lifef").build());
  }
}
