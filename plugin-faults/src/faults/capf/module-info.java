/** capability throws; the driver probe fails. */
module io.cgdev.fault.capf {
  requires io.cgdev.api;
  provides io.cgdev.api.spi.Controller with io.cgdev.fault.capf.CapController;
  provides io.cgdev.api.spi.DriverProvider with io.cgdev.fault.capf.CapDriver;
}
