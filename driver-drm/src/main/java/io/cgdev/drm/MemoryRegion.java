package io.cgdev.drm;

import io.cgdev.api.Stability;
import io.cgdev.drm.sim.BuddyAllocator;
import io.cgdev.drm.sim.CountingAllocator;
import io.cgdev.drm.sim.RegionAllocator;

/**
 * One memory region of a device (the kernel's {@code intel_memory_region} / TTM resource manager):
 * a name such as {@code system0} or {@code local0}, a kind, a page size and the allocator that hands out
 * its address space. Part of a device's {@link DeviceConfig}; the objects placed in it are the
 * device's business. The allocator is guarded by the owning device's lock.
 *
 * @param name follows the resource-name rules of {@code RegionSpec}
 */
@Stability(Stability.Status.EXPERIMENTAL)
public record MemoryRegion(String name, Kind kind, long pageSize, RegionAllocator allocator) {
  /** System memory (the eviction target) or device-local memory. */
  public enum Kind {
    SYSTEM,
    LOCAL
  }

  /** A system-memory region with a counting allocator. */
  public static MemoryRegion system(String name, long capacity) {
    return new MemoryRegion(name, Kind.SYSTEM, 4096, new CountingAllocator(capacity, 4096));
  }

  /** A local-memory region with a buddy allocator of the given minimum chunk. */
  public static MemoryRegion local(String name, long capacity, long chunk) {
    return new MemoryRegion(name, Kind.LOCAL, 4096, new BuddyAllocator(capacity, chunk));
  }

  /** Bytes the region holds. */
  public long capacity() {
    return allocator.capacity();
  }

  @Override
  public String toString() {
    return name;
  }
}
