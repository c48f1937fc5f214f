package io.cgdev.fault.capf;

import io.cgdev.api.spi.*;
import java.util.List;

/** A fault plugin: driver capdrv. */
public final class CapDriver implements DriverProvider {
  volatile DeviceRegistration registration;

  public CapDriver() {}

  @Override
  public String name() {
    return "capdrv";
  }

  @Override
  public void probe(DriverContext ctx) {
    registration = ctx.register(DeviceSpec.builder("cp0", "capdrv").controllers("capf").build());
    registration.capability(Runnable.class);
  }
}
