/** A controller with an invalid name. */
module io.cgdev.fault.badname {
  requires io.cgdev.api;
  provides io.cgdev.api.spi.Controller with io.cgdev.fault.badname.BadNameController;
}
