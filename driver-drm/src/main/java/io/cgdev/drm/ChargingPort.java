package io.cgdev.drm;

import io.cgdev.api.CgroupException;
import io.cgdev.api.spi.CgroupHandle;

/**
 * What GEM placement and eviction ask of the cgroup side, region by region (the dmem calls TTM
 * makes): whether a region is charged and may be used, charge, and reclaim for room. Returning a
 * charge needs no port: the object holds its {@link GemCharge}. Implemented by {@link CgroupLink};
 * called under the device lock (the calls go to the memory controller's lock-free counters, which
 * may call the device's reclaimer back on the same thread).
 */
interface ChargingPort {
  /** Whether memory placed in the region is charged (a memory controller governs it). */
  boolean charges(String region);

  /** Whether cpuset lets {@code cgroup} (null: none) place memory in the region. */
  boolean allowsRegion(CgroupHandle cgroup, String region);

  /**
   * Charges {@code bytes} of a charged region to {@code cgroup}, reclaiming on the way (the
   * controller may call the device's reclaimer on this thread).
   *
   * @throws CgroupException {@code ENOSPC}/{@code ENOMEM} when the limit holds after reclaim,
   *     {@code ENOENT} when the cgroup was removed; nothing charged then
   */
  GemCharge charge(String region, CgroupHandle cgroup, long bytes);

  /**
   * Charges without reclaim.
   *
   * @return the charge, or {@code null} when a limit refused it
   * @throws CgroupException {@code ENOENT} when the cgroup was removed
   */
  GemCharge tryCharge(String region, CgroupHandle cgroup, long bytes);

  /** Asks the memory controller to reclaim {@code bytes} of a charged region for room (root scope). */
  long reclaim(String region, long bytes);
}
