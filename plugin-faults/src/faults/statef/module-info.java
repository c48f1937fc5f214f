/** createState fails when the device binds; the device keeps memory. */
module io.cgdev.fault.statef {
  requires io.cgdev.api;
  provides io.cgdev.api.spi.Controller with io.cgdev.fault.statef.StateController;
  provides io.cgdev.api.spi.DriverProvider with io.cgdev.fault.statef.StateDriver;
}
