/** A driver without DeviceWorkloads. */
module io.cgdev.fault.nosim {
  requires io.cgdev.api;
  provides io.cgdev.api.spi.DriverProvider with io.cgdev.fault.nosim.NoSimDriver;
}
