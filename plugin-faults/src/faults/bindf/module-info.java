/** bind fails; the device keeps memory. */
module io.cgdev.fault.bindf {
  requires io.cgdev.api;
  provides io.cgdev.api.spi.Controller with io.cgdev.fault.bindf.BindController;
  provides io.cgdev.api.spi.DriverProvider with io.cgdev.fault.bindf.BindDriver;
}
