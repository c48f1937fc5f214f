/** canAttach and attach throw. */
module io.cgdev.fault.attachf {
  requires io.cgdev.api;
  provides io.cgdev.api.spi.Controller with io.cgdev.fault.attachf.AttachController;
}
