package io.cgdev.drm;

import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The GEM objects resident in one region, least recently used first (TTM's LRU), with the region's
 * eviction and failure counters. Placement adds and removes objects, batches touch them, eviction
 * walks them. Guarded by the device lock.
 */
final class Residency {
  private final MemoryRegion region;
  private final LinkedHashSet<GemObject> lru = new LinkedHashSet<>();
  private long evictions;
  private long evictedBytes;
  private long failedAllocations;

  Residency(MemoryRegion region) {
    this.region = region;
  }

  /** One residency per region, by region name, in the regions' order. */
  static Map<String, Residency> of(Collection<MemoryRegion> regions) {
    Map<String, Residency> m = new LinkedHashMap<>();
    for (MemoryRegion r : regions) {
      m.put(r.name(), new Residency(r));
    }
    return Collections.unmodifiableMap(m);
  }

  MemoryRegion region() {
    return region;
  }

  /** {@code o} was placed here: most recently used. */
  void add(GemObject o) {
    lru.add(o);
  }

  /** {@code o} was freed. */
  void remove(GemObject o) {
    lru.remove(o);
  }

  /** Marks a resident object most recently used. */
  void touch(GemObject o) {
    if (lru.remove(o)) {
      lru.add(o);
    }
  }

  /** {@code o} was evicted from here to {@code target}. */
  void evictedTo(GemObject o, Residency target) {
    lru.remove(o);
    target.lru.add(o);
    evictions++;
    evictedBytes += o.size();
  }

  /** {@code o} was moved from here to {@code target} on request (not an eviction). */
  void movedTo(GemObject o, Residency target) {
    lru.remove(o);
    target.lru.add(o);
  }

  /** A placement in this region failed (limit or space). */
  void failedAllocation() {
    failedAllocations++;
  }

  /** The resident objects, least recently used first; a copy. */
  List<GemObject> leastRecentlyUsedFirst() {
    return List.copyOf(lru);
  }

  /**
   * The resident objects, least recently used first, live (no copy: eviction walks only as far as
   * it needs to, where a copy cost the whole list per reclaim). While it is in use nothing but
   * {@link #evictedTo(Iterator, GemObject, Residency)} may change this residency: any other change
   * fails the walk with {@link java.util.ConcurrentModificationException}.
   */
  Iterator<GemObject> walk() {
    return lru.iterator();
  }

  /** The object {@code walk} just returned was evicted from here to {@code target}. */
  void evictedTo(Iterator<GemObject> walk, GemObject o, Residency target) {
    walk.remove();
    target.lru.add(o);
    evictions++;
    evictedBytes += o.size();
  }

  /** The allocator's and these counters' figures now. */
  RegionStats stats() {
    long avail = region.allocator().avail();
    double frag = avail == 0 ? 0.0 : 1.0 - (double) region.allocator().largestFree() / avail;
    return new RegionStats(
        region.name(),
        region.kind(),
        region.capacity(),
        region.capacity() - avail,
        lru.size(),
        evictions,
        evictedBytes,
        failedAllocations,
        region.allocator().largestFree(),
        region.allocator().freeBlocks(),
        frag);
  }
}
