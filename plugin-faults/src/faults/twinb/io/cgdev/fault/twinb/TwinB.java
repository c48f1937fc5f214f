package io.cgdev.fault.twinb;

import io.cgdev.api.spi.*;
import java.util.List;

/** A fault plugin: driver twin. */
public final class TwinB implements DriverProvider {
  volatile DeviceRegistration registration;

  public TwinB() {}

  @Override
  public String name() {
    return "twin";
  }

  @Override
  public void probe(DriverContext ctx) {

  }
}
