/** The memory controller for devices. */
module io.cgdev.controller.memory {
  requires io.cgdev.api;
}
