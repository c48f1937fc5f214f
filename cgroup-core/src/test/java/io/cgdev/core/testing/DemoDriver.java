package io.cgdev.core.testing;

import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.DriverProvider;

/** A driver that registers {@code dev0} with the demo controller at probe and unregisters it at remove. */
public class DemoDriver implements DriverProvider {
  public DeviceRegistration registration;
  public DriverContext context;
  public boolean removed;

  @Override
  public String name() {
    return "demodrv";
  }

  @Override
  public void probe(DriverContext ctx) {
    this.context = ctx;
    registration = ctx.register(Devices.spec(ctx.option("demodrv.device").orElse("dev0"), "demo"));
  }

  @Override
  public void remove() {
    removed = true;
    if (registration.registered()) {
      registration.unregister();
    }
  }
}
