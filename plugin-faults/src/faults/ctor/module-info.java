/** A controller whose constructor throws. */
module io.cgdev.fault.ctor {
  requires io.cgdev.api;
  provides io.cgdev.api.spi.Controller with io.cgdev.fault.ctor.CtorController;
}
