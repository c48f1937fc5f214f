/** A controller whose file reader throws ArithmeticException. */
module io.cgdev.fault.reader {
  requires io.cgdev.api;
  provides io.cgdev.api.spi.Controller with io.cgdev.fault.reader.ReaderController;
}
