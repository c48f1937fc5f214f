package io.cgdev.core.testing;

import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.RegionSpec;

/** Test device specs. */
public final class Devices {
  private Devices() {}

  /** A device governed by the named controllers. */
  public static DeviceSpec spec(String name, String... controllers) {
    return DeviceSpec.builder(name, "testdrv").controllers(controllers).region(new RegionSpec("lmem0", 1 << 20)).build();
  }
}
