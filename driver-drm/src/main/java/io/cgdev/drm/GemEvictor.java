package io.cgdev.drm;

import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.ReclaimRequest;
import io.cgdev.api.spi.Reclaimer;
import io.cgdev.drm.sim.RegionAllocator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Eviction (the kernel's TTM {@code ttm_mem_evict_first}, driven by the dmem reclaim hook): moves
 * idle objects of a region, least recently used first, to the device's system region. The memory
 * controller decides whose objects may go ({@link ReclaimRequest#mayEvict}, the scope of the
 * limiting cgroup); this class decides which, skipping pinned and active ones. Eviction is memcg's
 * swap: the object's charge moves from memory to swap ({@link SwapCharge#swapOut}), where {@code
 * memory.swap.max} may refuse it, and then the object stays where it is (as does one the system
 * region has no room for) and the next candidate is tried. The swap of an object whose cgroup was
 * removed meanwhile goes to that cgroup's nearest live ancestor, as the kernel charges the swap of a
 * dead memcg's pages. System memory itself is never charged to the device's memory controller.
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
  private final Residencies residency;
  private final MemoryRegion target;
  private final ChargingPort charging;
  private boolean unplugged;

  /**
   * @param residency the objects resident in each region, by region name
   * @param target the system region objects are evicted to; null when the device has none (then
   *     nothing is ever evicted)
   */
  GemEvictor(Object lock, Residencies residency, MemoryRegion target, ChargingPort charging) {
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
   * accepts; uncharged objects always qualify. The walk goes from the least recently used object on
   * and ends once nothing it may take is left ahead ({@link Residency#evictableBytes}): a walk that
   * can free nothing costs a map lookup, not a pass over every busy object of the region; one the
   * system region has no room for offers the idle candidates of its scope from the index instead of
   * walking the list. Every candidate is still offered to {@code mayEvict}, room or not:
   * the memory controller counts the {@code low} event and notes protection that held memory back
   * there, as the kernel's reclaim does for each cgroup it visits whether or not it frees a page.
   *
   * @return bytes moved out of {@code r}
   */
  long evict(MemoryRegion r, long bytes, CgroupHandle scope, Predicate<CgroupHandle> mayEvict) {
    assert Thread.holdsLock(lock);
    if (target == null || r == target) {
      return 0;
    }
    long freed = 0;
    Residency from = residency.in(r);
    // what is left ahead that the walk may take: it ends once nothing is (exactly where the whole walk
    // would have evicted nothing more), not after passing every busy object of the list
    long ahead = from.evictableBytes(scope);
    RegionAllocator room = target.allocator();
    if (bytes > 0 && room.avail() < from.smallestObject()) {
      // every move would be refused (an allocator never hands out more than it has free) and change
      // nothing: the walk could only offer its candidates, which the index does without passing the
      // busy objects of the list (the common case under pressure: a full system region)
      from.offerIdle(scope, mayEvict);
      return 0;
    }
    for (Residency.Walk walk = from.walk(); ahead > 0 && walk.hasNext() && freed < bytes; ) {
      GemObject o = walk.next();
      if (!o.evictable() || o.region != r) {
        continue;
      }
      GemCharge c = o.charge;
      if (c != null && scope != null && !c.cgroup().isDescendantOf(scope)) {
        continue;
      }
      ahead -= o.size();
      if (c != null && !mayEvict.test(c.cgroup())) {
        continue;
      }
      // a move the system region has fewer bytes free for is refused and changes nothing (an allocator
      // never hands out more than it has): not tried. A full system region is the common case under
      // pressure, where each try allocated and gave back blocks for nothing
      if (room.avail() >= o.size() && moveToTarget(o, r, walk)) {
        freed += o.size();
      }
    }
    return freed;
  }

  /**
   * Moves one object; false, with nothing changed, when the target has no room or {@code
   * memory.swap.max} refuses its charge.
   *
   * @param walk the eviction walk over {@code from}'s residency that returned {@code o} last, or
   *     null outside a walk
   */
  private boolean moveToTarget(GemObject o, MemoryRegion from, Residency.Walk walk) {
    List<RegionAllocator.Block> blocks = target.allocator().allocate(o.size());
    if (blocks.isEmpty()) {
      return false;
    }
    SwapCharge swap = null;
    if (o.charge != null) {
      swap = SwapCharge.swapOut(o.charge, o.size()); // memory uncharged, swap charged; no reclaim, so no recursion
      if (swap == null) {
        target.allocator().free(blocks);
        return false;
      }
    }
    from.allocator().free(o.blocks);
    o.placeIn(target, blocks, null, swap);
    o.evictions++;
    if (walk == null) {
      residency.in(from).evictedTo(o, residency.in(target));
    } else {
      residency.in(from).evictedTo(walk, o, residency.in(target));
    }
    return true;
  }

  /**
   * Under the device lock: evicts one object to the system region on request (a client's migrate),
   * as reclaim would.
   *
   * @return false when there is no system region, it has no room, or {@code memory.swap.max}
   *     refuses the charge (nothing changed)
   */
  boolean evictOne(GemObject o) {
    assert Thread.holdsLock(lock);
    return target != null && o.region != target && moveToTarget(o, o.region, null);
  }

  /** The region evicted objects go to; null when the device has none. */
  MemoryRegion target() {
    return target;
  }
}
