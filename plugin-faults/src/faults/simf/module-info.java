/** DeviceWorkloads.allocate throws. */
module io.cgdev.fault.simf {
  requires io.cgdev.api;
  provides io.cgdev.api.spi.DriverProvider with io.cgdev.fault.simf.SimDriver;
}
