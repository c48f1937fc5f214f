/** offline and free throw. */
module io.cgdev.fault.lifef {
  requires io.cgdev.api;
  provides io.cgdev.api.spi.Controller with io.cgdev.fault.lifef.LifeController;
  provides io.cgdev.api.spi.DriverProvider with io.cgdev.fault.lifef.LifeDriver;
}
