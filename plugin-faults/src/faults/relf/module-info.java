/** checkReleased throws; the driver remove does not catch it. */
module io.cgdev.fault.relf {
  requires io.cgdev.api;
  provides io.cgdev.api.spi.Controller with io.cgdev.fault.relf.RelController;
  provides io.cgdev.api.spi.DriverProvider with io.cgdev.fault.relf.RelDriver;
}
