package io.cgdev.api.spi;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;

/**
 * A memory region a device offers: device memory to the memory controller, and every region to
 * cpuset as a "mem".
 *
 * <p>A region is either <b>device memory</b> (e.g. a tile's local memory), which the memory
 * controller governs (one device-memory region per registration: a device with several registers
 * once per region), or <b>host memory</b> (system RAM the device can use, e.g. where evicted buffers
 * go), which no device controller charges: memory placed there is the host's business (memcg's), and
 * a buffer evicted there from device memory is charged as the device's swap.
 *
 * @param name e.g. {@code local0} or {@code system0}: {@code [a-z][a-z0-9_-]*}
 * @param capacity bytes the region holds
 * @param pageSize the unit limits are rounded down to, a power of two (4096 by default)
 * @param host true for host memory (never charged), false for device memory
 */
@Stability(Stability.Status.STABLE)
public record RegionSpec(String name, long capacity, long pageSize, boolean host) {
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

  /** Device memory of the given page size. */
  public RegionSpec(String name, long capacity, long pageSize) {
    this(name, capacity, pageSize, false);
  }

  /** Device memory of the default page size. */
  public RegionSpec(String name, long capacity) {
    this(name, capacity, DEFAULT_PAGE_SIZE);
  }

  /** Host memory (system RAM the device can use) of the default page size: never charged. */
  public static RegionSpec host(String name, long capacity) {
    return new RegionSpec(name, capacity, DEFAULT_PAGE_SIZE, true);
  }
}
