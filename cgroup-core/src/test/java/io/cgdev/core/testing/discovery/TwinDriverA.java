package io.cgdev.core.testing.discovery;

import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.DriverProvider;

/** One of two discovered drivers that share the name {@code twin}. */
public class TwinDriverA implements DriverProvider {
  @Override
  public String name() {
    return "twin";
  }

  @Override
  public void probe(DriverContext context) {}
}
