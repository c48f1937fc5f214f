package io.cgdev.drm;

import io.cgdev.api.Stability;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * One memory region of a device (the kernel's {@code intel_memory_region} / TTM resource manager):
 * a name such as {@code smem} or {@code lmem0}, a kind, a page size and an allocator. Its objects
 * are kept in least-recently-used order for eviction. State is guarded by the owning device's lock.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class MemoryRegion {
  /** System memory (the eviction target) or device-local memory. */
  public enum Kind {
    SYSTEM,
    LOCAL
  }

  private final String name;
  private final Kind kind;
  private final long pageSize;
  private final RegionAllocator allocator;
  final LinkedHashSet<GemObject> lru = new LinkedHashSet<>();
  long evictions;
  long evictedBytes;
  long failedAllocations;

  /** A region; {@code name} follows the resource-name rules of {@code RegionSpec}. */
  public MemoryRegion(String name, Kind kind, long pageSize, RegionAllocator allocator) {
    this.name = name;
    this.kind = kind;
    this.pageSize = pageSize;
    this.allocator = allocator;
  }

  /** A system-memory region with a counting allocator. */
  public static MemoryRegion system(String name, long capacity) {
    return new MemoryRegion(name, Kind.SYSTEM, 4096, new CountingAllocator(capacity, 4096));
  }

  /** A local-memory region with a buddy allocator of the given minimum chunk. */
  public static MemoryRegion local(String name, long capacity, long chunk) {
    return new MemoryRegion(name, Kind.LOCAL, 4096, new BuddyAllocator(capacity, chunk));
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  public long pageSize() {
    return pageSize;
  }

  public RegionAllocator allocator() {
    return allocator;
  }

  /** Bytes the region holds. */
  public long capacity() {
    return allocator.capacity();
  }

  RegionStats stats() {
    long avail = allocator.avail();
    double frag = avail == 0 ? 0.0 : 1.0 - (double) allocator.largestFree() / avail;
    return new RegionStats(
        name,
        kind,
        allocator.capacity(),
        allocator.capacity() - avail,
        lru.size(),
        evictions,
        evictedBytes,
        failedAllocations,
        allocator.largestFree(),
        allocator.freeBlocks(),
        frag);
  }

  /** Under the device lock: marks a resident object most recently used. */
  void touch(GemObject o) {
    if (lru.remove(o)) {
      lru.add(o);
    }
  }

  /** Under the device lock: {@code o} was evicted from this region to {@code target}. */
  void evicted(GemObject o, MemoryRegion target) {
    lru.remove(o);
    target.lru.add(o);
    evictions++;
    evictedBytes += o.size();
  }

  List<GemObject> lruSnapshot() {
    return List.copyOf(lru);
  }

  @Override
  public String toString() {
    return name;
  }
}
