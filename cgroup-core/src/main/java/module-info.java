/** cgdev core: the hierarchy, per-device registration, the file view and plugin discovery. */
module io.cgdev.core {
  requires transitive io.cgdev.api;
  requires org.slf4j;
  requires tools.jackson.databind;

  exports io.cgdev.core;

  uses io.cgdev.api.spi.Controller;
  uses io.cgdev.api.spi.DriverProvider;
}
