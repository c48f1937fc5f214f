package io.cgdev.api.spi;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Stability;

/**
 * The memory controller's capability for a device (its memcg/dmem side): charge and uncharge device
 * memory to cgroups, region by region. Obtain it from {@link DeviceRegistration#capability}.
 *
 * <p>All methods are lock-free and may be called from any thread. A charge walks from the cgroup to
 * the root; when it would pass {@code memory.max} somewhere, the controller asks the device's {@link
 * Reclaimer} to evict from the limiting cgroup's subtree (respecting protection), retries a bounded
 * number of times, and only then fails. Charges above {@code memory.high} succeed but trigger reclaim.
 */
@Stability(Stability.Status.STABLE)
public interface MemoryCharging {
  /**
   * The index of a region for the other calls.
   *
   * @throws CgroupException {@code EINVAL} if the device registered no region of that name
   */
  int region(String name);

  /**
   * Charges {@code bytes} of a region to a cgroup and all its ancestors, reclaiming if needed.
   *
   * @throws CgroupException {@code ENOSPC} if the limit still holds after reclaim (the {@code max}
   *     and {@code oom} events are counted at the limiting cgroup), {@code EINVAL} for a negative
   *     size, {@code ENODEV} after the device unregistered
   */
  void charge(CgroupHandle cgroup, int region, long bytes);

  /**
   * Charges without reclaiming.
   *
   * @return {@code null} on success, else the cgroup whose limit refused the charge (its {@code
   *     max} event counted, no {@code oom} event)
   * @throws CgroupException {@code ENODEV} after the device unregistered
   */
  CgroupHandle tryCharge(CgroupHandle cgroup, int region, long bytes);

  /**
   * Returns a charge made earlier to the same cgroup (which may be dying by now).
   *
   * @throws CgroupException {@code EINVAL} if that would drive a counter below zero (a driver bug;
   *     nothing changes)
   */
  void uncharge(CgroupHandle cgroup, int region, long bytes);

  /**
   * Asks the device's reclaimer to free {@code bytes} of a region charged below {@code scope},
   * choosing victims by protection; for drivers whose allocator is full or fragmented although no
   * limit is hit.
   *
   * @return bytes freed
   */
  long reclaim(CgroupHandle scope, int region, long bytes);

  /** Bytes of a region charged to a cgroup and its descendants. */
  long usage(CgroupHandle cgroup, int region);
}
