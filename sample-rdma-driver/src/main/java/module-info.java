/**
 * An example third-party driver for a non-DRM accelerator, built against io.cgdev.api alone: an
 * RDMA-style adapter ({@code rdma0}) with on-adapter memory that registers with the memory
 * controller. Memory registrations (as {@code ibv_reg_mr} on device memory) are pinned, so the
 * device offers no reclaimer: at {@code memory.max} a registration fails with {@code ENOSPC}. Tools
 * exercise it through {@link io.cgdev.api.spi.DeviceWorkloads}; it is listed in {@code
 * META-INF/services} too, so it is found on the class path as on the module path.
 *
 * @provides io.cgdev.api.spi.DriverProvider the {@code rdma} driver
 */
module io.cgdev.sample.rdma {
  requires transitive io.cgdev.api;
  requires transitive io.cgdev.plugin.support; // the driver extends SingleDeviceDriver

  exports io.cgdev.sample.rdma;

  provides io.cgdev.api.spi.DriverProvider with io.cgdev.sample.rdma.RdmaDriver;
}
