package io.cgdev.drm;

import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.MemoryCharging;

/**
 * What a GEM object evicted from device memory to host memory holds: its charge, moved to the swap of
 * the device memory it left (memcg's swap entry keeps its memcg the same way). Freeing the object
 * returns the swap; bringing it back charges memory again. Immutable.
 */
record SwapCharge(MemoryCharging charging, MemoryCharging.SwapPool swap) {
  /**
   * The object leaves device memory for host memory: its charge moves from memory to swap (memcg's
   * swap-out). Lock-free.
   *
   * @return the swap charge the object keeps, or {@code null} when {@code memory.swap.max} refuses
   *     (nothing changed: the object must stay)
   */
  static SwapCharge swapOut(GemCharge charge, long bytes) {
    MemoryCharging.SwapPool swap = charge.charging().swapOut(charge.pool(), bytes);
    return swap == null ? null : new SwapCharge(charge.charging(), swap);
  }

  /** The cgroup whose swap holds the charge. */
  CgroupHandle cgroup() {
    return swap.cgroup();
  }

  /** Returns the swap of a freed object; lock-free. */
  void free(long bytes) {
    charging.uncharge(swap, bytes);
  }

  /**
   * The object goes back to device memory: memory is charged again (reclaiming if needed; the
   * controller may call the device's reclaimer on this thread) and the swap returned.
   *
   * @return the memory charge the object keeps
   * @throws io.cgdev.api.CgroupException what the charge throws; nothing changed then
   */
  GemCharge swapIn(long bytes) {
    return new GemCharge(charging, charging.swapIn(swap, bytes));
  }
}
