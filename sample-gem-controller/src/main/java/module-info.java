/**
 * An example third-party controller, built against io.cgdev.api alone: {@code gem} limits the
 * number of GEM objects a cgroup may hold per device ({@code gem.max}, {@code gem.current}, {@code
 * gem.events}). Drivers charge through its own capability, {@link io.cgdev.sample.gem.api.GemCounting},
 * published from its own api package. The module also ships {@code vgem}, a virtual GEM driver (as
 * the kernel's vgem) that registers with gem and memory, uses the capability, and offers the
 * simulator and the conformance kit {@link io.cgdev.api.spi.DeviceWorkloads}. Both are built on
 * {@code io.cgdev.plugin.support} (counter, binding base, registrar) and are listed in {@code
 * META-INF/services} too, so they are found on the class path as on the module path.
 *
 * <p>This is an example plugin, not part of the core resource model (docs/ARCHITECTURE.md): object
 * counts are a driver-internal notion.
 *
 * @provides io.cgdev.api.spi.Controller the {@code gem} controller
 * @provides io.cgdev.api.spi.DriverProvider the {@code vgem} driver
 */
module io.cgdev.sample.gem {
  requires transitive io.cgdev.api;
  requires transitive io.cgdev.plugin.support; // the driver extends SingleDeviceDriver

  exports io.cgdev.sample.gem.api;
  exports io.cgdev.sample.gem;

  provides io.cgdev.api.spi.Controller with io.cgdev.sample.gem.GemController;
  provides io.cgdev.api.spi.DriverProvider with io.cgdev.sample.gem.VgemDriver;
}
