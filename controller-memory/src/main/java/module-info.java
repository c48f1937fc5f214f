/**
 * The memory controller for devices: memcg's per-device files ({@code memory.devices/<device>/memory.*},
 * one region of device memory per registration, eviction as swap) with page-counter charging,
 * effective min/low protection and dmem-style eviction through the driver's reclaimer; and the
 * {@code dmem} controller, the kernel's dmem files over the same counters.
 *
 * @provides io.cgdev.api.spi.Controller the {@code memory} controller and the {@code dmem} view
 */
module io.cgdev.controller.memory {
  requires io.cgdev.api;
  requires io.cgdev.plugin.support;

  provides io.cgdev.api.spi.Controller with
      io.cgdev.controller.memory.MemoryController,
      io.cgdev.controller.memory.DmemController;
}
