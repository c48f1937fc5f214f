package io.cgdev.drm;

import io.cgdev.api.Stability;

/**
 * A snapshot of one region's allocator and eviction counters.
 *
 * @param name the region, e.g. {@code local0}
 * @param kind system or local
 * @param capacity bytes the region holds
 * @param used bytes reserved by objects (rounded to the allocator's chunk)
 * @param objects objects placed in the region now
 * @param evictions objects evicted out of the region so far
 * @param evictedBytes bytes evicted out of the region so far
 * @param failedAllocations placements in this region that failed (limit or space), counted per try
 * @param largestFree the largest block that fits in one piece
 * @param freeBlocks number of free blocks (fragmentation grows it)
 * @param fragmentation {@code 1 - largestFree / free bytes}: 0 when all free space is one block
 */
@Stability(Stability.Status.EXPERIMENTAL)
public record RegionStats(
    String name,
    MemoryRegion.Kind kind,
    long capacity,
    long used,
    int objects,
    long evictions,
    long evictedBytes,
    long failedAllocations,
    long largestFree,
    long freeBlocks,
    double fragmentation) {

  /** One line, e.g. {@code local0 capacity=4294967296 used=0 ...}. */
  @Override
  public String toString() {
    return String.format(
        "%s capacity=%d used=%d objects=%d evictions=%d evicted_bytes=%d failed=%d largest_free=%d free_blocks=%d fragmentation=%.3f",
        name, capacity, used, objects, evictions, evictedBytes, failedAllocations, largestFree, freeBlocks, fragmentation);
  }
}
