/** The cpu controller for devices. */
module io.cgdev.controller.cpu {
  requires io.cgdev.api;
}
