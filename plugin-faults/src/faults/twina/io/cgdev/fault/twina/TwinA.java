package io.cgdev.fault.twina;

import io.cgdev.api.spi.*;
import java.util.List;

/** A fault plugin: driver twin. */
public final class TwinA implements DriverProvider {
  volatile DeviceRegistration registration;

  public TwinA() {}

  @Override
  public String name() {
    return "twin";
  }

  @Override
  public void probe(DriverContext ctx) {

  }
}
