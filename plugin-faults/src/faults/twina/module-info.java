/** A driver named twin. */
module io.cgdev.fault.twina {
  requires io.cgdev.api;
  provides io.cgdev.api.spi.DriverProvider with io.cgdev.fault.twina.TwinA;
}
