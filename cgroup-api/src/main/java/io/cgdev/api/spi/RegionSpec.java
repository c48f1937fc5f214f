package io.cgdev.api.spi;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;

/**
 * A memory region a device offers to the memory controller (and to cpuset as a "mem").
 *
 * @param name e.g. {@code lmem0} or {@code smem}: {@code [a-z][a-z0-9_-]*}
 * @param capacity bytes the region holds
 * @param pageSize the unit limits are rounded down to, a power of two (4096 by default)
 */
@Stability(Stability.Status.STABLE)
public record RegionSpec(String name, long capacity, long pageSize) {
  public static final long DEFAULT_PAGE_SIZE = 4096;

  public RegionSpec {
    DeviceSpec.checkResourceName(name, "region");
    if (capacity <= 0) {
      throw CgroupException.of(Errno.EINVAL, "region %s: capacity must be positive, got %d", name, capacity);
    }
    if (pageSize <= 0 || Long.bitCount(pageSize) != 1) {
      throw CgroupException.of(Errno.EINVAL, "region %s: page size must be a power of two, got %d", name, pageSize);
    }
  }

  public RegionSpec(String name, long capacity) {
    this(name, capacity, DEFAULT_PAGE_SIZE);
  }
}
