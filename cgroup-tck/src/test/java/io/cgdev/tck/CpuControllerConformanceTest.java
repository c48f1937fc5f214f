package io.cgdev.tck;

import io.cgdev.api.spi.Controller;
import io.cgdev.controller.cpu.CpuController;

/** Our cpu controller passes the kit. */
class CpuControllerConformanceTest extends ControllerConformance {
  @Override
  protected Controller<?> controller() {
    return new CpuController();
  }
}
