/** probe throws after registering a device. */
module io.cgdev.fault.probef {
  requires io.cgdev.api;
  provides io.cgdev.api.spi.DriverProvider with io.cgdev.fault.probef.ProbeDriver;
}
