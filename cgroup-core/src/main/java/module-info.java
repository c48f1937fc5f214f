/**
 * cgdev core: the cgroup hierarchy, per-device registration, the file view and plugin discovery.
 *
 * <p>Only {@link io.cgdev.core.Cgroups} (with its builder, layout and {@link io.cgdev.core.Diagnostic})
 * and the {@link io.cgdev.core.snapshot.Snapshot} value it takes are exported; everything else lives
 * in {@code io.cgdev.core.internal.*}, of which the hierarchy package is exported to the test kit
 * ({@code io.cgdev.testkit}) alone. Controllers and drivers are found with {@link
 * java.util.ServiceLoader} on the module path and the class path, or handed to {@link
 * io.cgdev.core.Cgroups.Builder}.
 *
 * @uses io.cgdev.api.spi.Controller
 * @uses io.cgdev.api.spi.DriverProvider
 */
// "module": javac warns that io.cgdev.testkit, the target of a qualified export, is not on the module
// path when the core is compiled; it depends on the core, so it never is.
@SuppressWarnings("module")
module io.cgdev.core {
  requires transitive io.cgdev.api;
  requires org.slf4j;

  exports io.cgdev.core;
  exports io.cgdev.core.snapshot;
  // the test kit is a thin layer over the hierarchy, so that plugins' unit tests run on the core's own rules
  exports io.cgdev.core.internal.hierarchy to io.cgdev.testkit;

  uses io.cgdev.api.spi.Controller;
  uses io.cgdev.api.spi.DriverProvider;
}
