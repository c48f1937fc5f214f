/**
 * The memory controller for devices: memcg's per-device files ({@code memory.devices/<device>/memory.*})
 * with page-counter charging, effective min/low protection and dmem-style eviction through the
 * driver's reclaimer.
 *
 * @provides io.cgdev.api.spi.Controller the {@code memory} controller
 */
module io.cgdev.controller.memory {
  requires io.cgdev.api;
  requires io.cgdev.plugin.support;

  provides io.cgdev.api.spi.Controller with io.cgdev.controller.memory.MemoryController;
}
