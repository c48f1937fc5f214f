package io.cgdev.tck;

import io.cgdev.sample.gem.GemController;
import io.cgdev.sample.gem.VgemDriver;
import java.util.List;

/** vgem with the gem controller alone: a driver whose objects are counted, never sized. */
class VgemGemOnlyConformanceTest extends DriverConformance {
  @Override
  protected DriverUnderTest driverUnderTest() {
    return new VgemConformanceTest.VgemUnderTest(List.of(new GemController()), List.of(Meter.count("gem", VgemDriver.DEVICE)));
  }
}
