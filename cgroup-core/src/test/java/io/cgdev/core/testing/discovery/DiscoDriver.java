package io.cgdev.core.testing.discovery;

import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.DriverProvider;

/** A discovered driver: registers {@code disco0} with the disco controller. */
public class DiscoDriver implements DriverProvider {
  @Override
  public String name() {
    return "discodrv";
  }

  @Override
  public void probe(DriverContext context) {
    context.register(DeviceSpec.builder("disco0", "discodrv").controllers("disco").build());
  }
}
