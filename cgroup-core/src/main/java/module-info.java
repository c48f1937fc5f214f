/**
 * cgdev core: the cgroup hierarchy, per-device registration, the file view and plugin discovery.
 *
 * <p>Only {@link io.cgdev.core.Cgroups} (with its builder, layout and {@link io.cgdev.core.Diagnostic})
 * is exported; everything else lives in {@code io.cgdev.core.internal.*}. Controllers and drivers are
 * found with {@link java.util.ServiceLoader} on the module path and the class path, or handed to
 * {@link io.cgdev.core.Cgroups.Builder}.
 *
 * @uses io.cgdev.api.spi.Controller
 * @uses io.cgdev.api.spi.DriverProvider
 */
module io.cgdev.core {
  requires transitive io.cgdev.api;
  requires org.slf4j;
  requires tools.jackson.databind;

  exports io.cgdev.core;

  uses io.cgdev.api.spi.Controller;
  uses io.cgdev.api.spi.DriverProvider;
}
