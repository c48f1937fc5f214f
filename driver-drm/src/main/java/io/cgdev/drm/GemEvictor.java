package io.cgdev.drm;

import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.ReclaimRequest;
import io.cgdev.api.spi.Reclaimer;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Eviction (the kernel's TTM {@code ttm_mem_evict_first}, driven by the dmem reclaim hook): moves
 * idle objects of a region, least recently used first, to the device's system region. The memory
 * controller decides whose objects may go ({@link ReclaimRequest#mayEvict}, the scope of the
 * limiting cgroup); this class decides which, skipping pinned and active ones. The charge follows
 * the object: charged to the system region first, without reclaim (so no recursion), then
 * uncharged from the region it left; a victim the system region cannot take stays where it is.
 *
 * <p>Lock: {@link #reclaim} is the hook the memory controller calls, on the charging or writing
 * thread, possibly under the hierarchy lock; it takes the device lock (re-entrant: a charge made
 * under the device lock may call it on the same thread). {@link #evict} expects the caller to hold
 * the device lock.
 */
final class GemEvictor implements Reclaimer {
  private final Object lock;
  private final Map<String, MemoryRegion> regions;
  private final MemoryRegion target;
  private final CgroupBinding cgroups;
  private boolean unplugged;

  /**
   * @param target the system region objects are evicted to; null when the device has none (then
   *     nothing is ever evicted)
   */
  GemEvictor(Object lock, Map<String, MemoryRegion> regions, MemoryRegion target, CgroupBinding cgroups) {
    this.lock = lock;
    this.regions = regions;
    this.target = target;
    this.cgroups = cgroups;
  }

  /**
   * Under the device lock, when the device is unplugged: the hook frees nothing from now on (the
   * framework may still call it until it has unregistered the device).
   */
  void unplug() {
    assert Thread.holdsLock(lock);
    unplugged = true;
  }

  /** The reclaim hook: evicts from the requested region. Takes the device lock. */
  @Override
  public long reclaim(ReclaimRequest request) {
    synchronized (lock) {
      MemoryRegion r = regions.get(request.region());
      if (r == null || unplugged) {
        return 0;
      }
      return evict(r, request.bytes(), request.scope(), request::mayEvict);
    }
  }

  /**
   * Under the device lock: moves idle objects of {@code r} to the system region until {@code bytes}
   * are freed; only objects charged below {@code scope} (null: any) whose owner {@code mayEvict}
   * accepts; uncharged objects always qualify.
   *
   * @return bytes moved out of {@code r}
   */
  long evict(MemoryRegion r, long bytes, CgroupHandle scope, Predicate<CgroupHandle> mayEvict) {
    assert Thread.holdsLock(lock);
    if (target == null || r == target) {
      return 0;
    }
    long freed = 0;
    for (GemObject o : r.lruSnapshot()) {
      if (freed >= bytes) {
        break;
      }
      if (!o.evictable() || o.region != r) {
        continue;
      }
      CgroupHandle owner = o.owner();
      if (o.charged && ((scope != null && !owner.isDescendantOf(scope)) || !mayEvict.test(owner))) {
        continue;
      }
      if (moveToTarget(o, r)) {
        freed += o.size();
      }
    }
    return freed;
  }

  /** Moves one object; false, with nothing changed, when the target has no room or refuses the charge. */
  private boolean moveToTarget(GemObject o, MemoryRegion from) {
    List<RegionAllocator.Block> blocks = target.allocator().allocate(o.size());
    if (blocks.isEmpty()) {
      return false;
    }
    RegionCharge to = o.charged ? cgroups.charge(target.name()) : null;
    if (to != null && to.tryCharge(o.owner(), o.size()) != null) {
      target.allocator().free(blocks);
      return false;
    }
    from.allocator().free(o.blocks);
    if (o.charged) {
      RegionCharge away = cgroups.charge(from.name());
      if (away != null) {
        away.uncharge(o.owner(), o.size());
      }
    }
    o.placeIn(target, blocks, to != null);
    o.evictions++;
    from.evicted(o, target);
    return true;
  }
}
