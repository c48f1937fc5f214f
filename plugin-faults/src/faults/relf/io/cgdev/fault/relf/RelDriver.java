package io.cgdev.fault.relf;

import io.cgdev.api.spi.*;
import java.util.List;

/** A fault plugin: driver reldrv. */
public final class RelDriver implements DriverProvider {
  volatile DeviceRegistration registration;

  public RelDriver() {}

  @Override
  public String name() {
    return "reldrv";
  }

  @Override
  public void probe(DriverContext ctx) {
    registration = ctx.register(DeviceSpec.builder("rl0", "reldrv").controllers("relf").build());
  }

  @Override
  public void remove() {
    registration.unregister();
  }
}
