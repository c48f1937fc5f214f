package io.cgdev.fault.mkdirf;

import io.cgdev.api.spi.*;
import java.util.List;

/** A fault plugin: driver mkdirdrv. */
public final class MkdirDriver implements DriverProvider {
  volatile DeviceRegistration registration;

  public MkdirDriver() {}

  @Override
  public String name() {
    return "mkdirdrv";
  }

  @Override
  public void probe(DriverContext ctx) {
    registration = ctx.register(DeviceSpec.builder("mk0", "mkdirdrv").controllers("mkdirf").build());
  }
}
