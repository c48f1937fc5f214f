package io.cgdev.sample.gem.api;

import io.cgdev.api.CgroupException;
import io.cgdev.api.spi.CgroupHandle;

/**
 * The gem controller's capability for a device: count GEM objects against {@code gem.max} up the
 * tree. Obtain it with {@code registration.capability(GemCounting.class)} after registering with
 * the {@code gem} controller. Lock-free; any thread.
 */
public interface GemCounting {
  /**
   * Counts {@code n} new objects for a cgroup and its ancestors.
   *
   * @throws CgroupException {@code ENOSPC} if a {@code gem.max} up the tree would be passed (its
   *     {@code max} event is counted there, nothing is charged), {@code EINVAL} for a negative
   *     {@code n}, {@code ENODEV} after the device unregistered
   */
  void charge(CgroupHandle cgroup, int n);

  /**
   * Returns objects counted earlier to the same cgroup.
   *
   * @throws CgroupException {@code EINVAL} if that would drive a count below zero (nothing changes)
   */
  void uncharge(CgroupHandle cgroup, int n);

  /** Objects counted to a cgroup and its descendants. */
  long current(CgroupHandle cgroup);
}
