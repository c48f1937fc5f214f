/** A controller that declares a file twice. */
module io.cgdev.fault.dupfiles {
  requires io.cgdev.api;
  provides io.cgdev.api.spi.Controller with io.cgdev.fault.dupfiles.DupFilesController;
}
