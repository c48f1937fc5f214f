package io.cgdev.tck;

import io.cgdev.api.spi.Controller;
import io.cgdev.controller.memory.MemoryController;

/** Our memory controller passes the kit. */
class MemoryControllerConformanceTest extends ControllerConformance {
  @Override
  protected Controller<?> controller() {
    return new MemoryController();
  }
}
