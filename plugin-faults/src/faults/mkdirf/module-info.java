/** createState fails for some cgroups. */
module io.cgdev.fault.mkdirf {
  requires io.cgdev.api;
  provides io.cgdev.api.spi.Controller with io.cgdev.fault.mkdirf.MkdirController;
  provides io.cgdev.api.spi.DriverProvider with io.cgdev.fault.mkdirf.MkdirDriver;
}
