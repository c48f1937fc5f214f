/** The cpuset controller for devices. */
module io.cgdev.controller.cpuset {
  requires io.cgdev.api;
}
