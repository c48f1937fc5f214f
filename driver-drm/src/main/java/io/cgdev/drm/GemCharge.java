package io.cgdev.drm;

import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.MemoryCharging;

/**
 * What a GEM object resident in device memory holds for the memory it is charged for, as a page
 * holds its memcg: the pool the charge was taken from and the capability to return it through.
 * Returning goes to that pool whatever became of its cgroup (moved task, removed cgroup), never to a
 * cgroup looked up again. Immutable.
 */
record GemCharge(MemoryCharging charging, MemoryCharging.Pool pool) {
  /** The cgroup charged. */
  CgroupHandle cgroup() {
    return pool.cgroup();
  }

  /** Returns {@code bytes} to the pool; lock-free. */
  void uncharge(long bytes) {
    charging.uncharge(pool, bytes);
  }
}
