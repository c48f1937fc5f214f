package io.cgdev.tck;

import io.cgdev.api.spi.Controller;
import io.cgdev.controller.cpuset.CpusetController;

/** Our cpuset controller passes the kit. */
class CpusetControllerConformanceTest extends ControllerConformance {
  @Override
  protected Controller<?> controller() {
    return new CpusetController();
  }
}
