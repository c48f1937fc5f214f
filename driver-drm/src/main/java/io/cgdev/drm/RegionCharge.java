package io.cgdev.drm;

import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.MemoryCharging;

/**
 * One memory region as the memory controller knows it (the kernel's {@code dmem_cgroup_region}):
 * the {@link MemoryCharging} capability of the registration that offered the region, and the
 * region's index in it. Immutable; the calls go straight to the controller's lock-free counters,
 * which is why they may be made under the device lock.
 */
record RegionCharge(MemoryCharging charging, int index) {
  /** Charges, reclaiming on the way; may call the device's reclaimer on this thread. */
  GemCharge charge(CgroupHandle cgroup, long bytes) {
    return new GemCharge(charging, charging.charge(cgroup, index, bytes));
  }

  /** Charges without reclaim; null when a limit refused. */
  GemCharge tryCharge(CgroupHandle cgroup, long bytes) {
    MemoryCharging.Pool pool = charging.tryCharge(cgroup, index, bytes);
    return pool == null ? null : new GemCharge(charging, pool);
  }

  /** Asks the controller to reclaim below {@code scope}; it calls the device's reclaimer. */
  long reclaim(CgroupHandle scope, long bytes) {
    return charging.reclaim(scope, index, bytes);
  }
}
