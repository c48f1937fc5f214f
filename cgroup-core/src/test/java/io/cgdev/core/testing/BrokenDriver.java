package io.cgdev.core.testing;

import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.DriverProvider;

/** A driver that registers a device and then fails its probe. */
public class BrokenDriver implements DriverProvider {
  @Override
  public String name() {
    return "broken";
  }

  @Override
  public void probe(DriverContext ctx) {
    ctx.register(Devices.spec("half", "demo"));
    throw new IllegalStateException("firmware missing");
  }
}
