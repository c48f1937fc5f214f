package io.cgdev.drm;

import io.cgdev.api.CgroupException;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.ReclaimRequest;
import io.cgdev.api.spi.Reclaimer;
import io.cgdev.drm.sim.RegionAllocator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Eviction (the kernel's TTM {@code ttm_mem_evict_first}, driven by the dmem reclaim hook): moves
 * idle objects of a region, least recently used first, to the device's system region. The memory
 * controller decides whose objects may go ({@link ReclaimRequest#mayEvict}, the scope of the
 * limiting cgroup); this class decides which, skipping pinned and active ones. The charge follows
 * the object: charged to the system region first, without reclaim (so no recursion), then returned
 * to the pool it was taken from in the region it left; a victim the system region cannot take stays
 * where it is. An object whose cgroup was removed meanwhile is charged to that cgroup's nearest live
 * ancestor in the system region, as the kernel charges the swap of a dead memcg's pages to its
 * nearest online ancestor.
 *
 * <p>It is the device's {@link Reclaimer} (the memory controller's port into the device) and
 * placement's {@link EvictionPort}; it reaches the controller through the {@link ChargingPort}.
 *
 * <p>Lock: {@link #reclaim} is the hook the memory controller calls, on the charging or writing
 * thread, possibly under the hierarchy lock; it takes the device lock (re-entrant: a charge made
 * under the device lock may call it on the same thread). {@link #evict} and {@link #makeRoom}
 * expect the caller to hold the device lock.
 */
final class GemEvictor implements Reclaimer, EvictionPort {
  private final Object lock;
  private final Map<String, Residency> residency;
  private final MemoryRegion target;
  private final ChargingPort charging;
  private boolean unplugged;

  /**
   * @param residency the objects resident in each region, by region name
   * @param target the system region objects are evicted to; null when the device has none (then
   *     nothing is ever evicted)
   */
  GemEvictor(Object lock, Map<String, Residency> residency, MemoryRegion target, ChargingPort charging) {
    this.lock = lock;
    this.residency = residency;
    this.target = target;
    this.charging = charging;
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
      Residency r = residency.get(request.region());
      if (r == null || unplugged) {
        return 0;
      }
      return evict(r.region(), request.bytes(), request.scope(), request::mayEvict);
    }
  }

  /** Under the device lock: through the memory controller for a charged region, else directly. */
  @Override
  public long makeRoom(MemoryRegion region, long bytes) {
    assert Thread.holdsLock(lock);
    // a charged region reclaims through its controller, which respects everyone's protection
    return charging.charges(region.name())
        ? charging.reclaim(region.name(), bytes)
        : evict(region, bytes, null, owner -> true);
  }

  /**
   * Under the device lock: moves idle objects of {@code r} to the system region until {@code bytes}
   * are freed; only objects charged below {@code scope} (null: any) whose cgroup {@code mayEvict}
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
    for (GemObject o : residency.get(r.name()).leastRecentlyUsedFirst()) {
      if (freed >= bytes) {
        break;
      }
      if (!o.evictable() || o.region != r) {
        continue;
      }
      GemCharge c = o.charge;
      if (c != null && ((scope != null && !c.cgroup().isDescendantOf(scope)) || !mayEvict.test(c.cgroup()))) {
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
    GemCharge away = o.charge;
    GemCharge to = null;
    if (away != null && charging.charges(target.name())) {
      to = chargeTarget(away.cgroup(), o.size());
      if (to == null) {
        target.allocator().free(blocks);
        return false;
      }
    }
    from.allocator().free(o.blocks);
    if (away != null) {
      away.uncharge(o.size());
    }
    o.placeIn(target, blocks, to);
    o.evictions++;
    residency.get(from.name()).evictedTo(o, residency.get(target.name()));
    return true;
  }

  /**
   * Charges the target region, without reclaim, to {@code cgroup}, or to its nearest live ancestor
   * when it was removed; null when a limit refuses (or the charge fails otherwise: the object then
   * stays where it is).
   */
  private GemCharge chargeTarget(CgroupHandle cgroup, long bytes) {
    for (CgroupHandle c = cgroup; c != null; c = c.parent()) {
      try {
        return charging.tryCharge(target.name(), c, bytes);
      } catch (CgroupException e) {
        if (c.online()) {
          return null;
        }
      }
    }
    return null;
  }
}
