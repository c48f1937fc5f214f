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
  void charge(CgroupHandle cgroup, long bytes) {
    charging.charge(cgroup, index, bytes);
  }

  /** Charges without reclaim; the limiting cgroup, or null on success. */
  CgroupHandle tryCharge(CgroupHandle cgroup, long bytes) {
    return charging.tryCharge(cgroup, index, bytes);
  }

  void uncharge(CgroupHandle cgroup, long bytes) {
    charging.uncharge(cgroup, index, bytes);
  }

  /** Asks the controller to reclaim below {@code scope}; it calls the device's reclaimer. */
  long reclaim(CgroupHandle scope, long bytes) {
    return charging.reclaim(scope, index, bytes);
  }
}
