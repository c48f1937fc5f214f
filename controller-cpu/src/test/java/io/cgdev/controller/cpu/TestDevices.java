package io.cgdev.controller.cpu;

import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.testkit.FakeClock;

/** The device the unit tests bind to the cpu controller. */
final class TestDevices {
  private TestDevices() {}

  /** {@code gpu0} with the named render engines (none: a device the controller must refuse), on a simulated clock. */
  static DeviceSpec gpu0(FakeClock clock, String... engines) {
    DeviceSpec.Builder b = DeviceSpec.builder("gpu0", "fake").controllers("cpu").clock(clock);
    for (String e : engines) {
      b.engine(new EngineSpec(e, "render"));
    }
    return b.build();
  }
}
