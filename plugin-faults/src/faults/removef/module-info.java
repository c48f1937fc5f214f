/** remove throws. */
module io.cgdev.fault.removef {
  requires io.cgdev.api;
  provides io.cgdev.api.spi.DriverProvider with io.cgdev.fault.removef.RemoveDriver;
}
