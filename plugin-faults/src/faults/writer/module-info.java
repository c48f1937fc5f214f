/** A controller whose file writer throws NullPointerException. */
module io.cgdev.fault.writer {
  requires io.cgdev.api;
  provides io.cgdev.api.spi.Controller with io.cgdev.fault.writer.WriterController;
}
