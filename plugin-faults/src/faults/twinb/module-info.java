/** Another driver named twin. */
module io.cgdev.fault.twinb {
  requires io.cgdev.api;
  provides io.cgdev.api.spi.DriverProvider with io.cgdev.fault.twinb.TwinB;
}
