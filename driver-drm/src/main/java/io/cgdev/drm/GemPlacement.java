package io.cgdev.drm;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.drm.sim.RegionAllocator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * GEM object placement and lifetime (the kernel's TTM placement, {@code ttm_bo_mem_space}, and
 * {@code drm_gem_object_put}): walks an object's placement list and puts it in the first region
 * that cpuset allows, whose memory controller accepts the charge and whose allocator has room —
 * charge first, then allocate, making room when the allocator is full; frees an object when its
 * last reference goes and returns its charge through the {@link GemCharge} it holds. Keeps the
 * device's live objects. Reaches the cgroup side through the {@link ChargingPort} and eviction
 * through the {@link EvictionPort}.
 *
 * <p>Lock: every method but {@link #placementList} expects the caller to hold the device lock (the
 * clients, dma-bufs and batches that call it take it). A charge made here may call the device's
 * reclaimer on the same thread, which takes the device lock again (re-entrant).
 */
final class GemPlacement implements GemRefs {
  private final Object lock;
  private final String device;
  private final Map<String, MemoryRegion> regions;
  private final List<String> defaultPlacement;
  private final Residencies residency;
  private final ChargingPort charging;
  private final EvictionPort eviction;
  private final Set<GemObject> objects = new LinkedHashSet<>();
  private long nextObjectId = 1;
  /** The default placement list, resolved at its first use. */
  private volatile List<MemoryRegion> defaultList;

  GemPlacement(Object lock, String device, Map<String, MemoryRegion> regions, List<String> defaultPlacement,
      Residencies residency, ChargingPort charging, EvictionPort eviction) {
    this.lock = lock;
    this.device = device;
    this.regions = regions;
    this.defaultPlacement = defaultPlacement;
    this.residency = residency;
    this.charging = charging;
    this.eviction = eviction;
  }

  /**
   * The regions named, in order; the default placement when none are named, every region when
   * there is no default either. Needs no lock: the regions never change.
   *
   * @throws CgroupException {@code EINVAL} for an unknown or repeated region
   */
  List<MemoryRegion> placementList(String... names) {
    if (names == null || names.length == 0) {
      List<MemoryRegion> d = defaultList;
      if (d == null) {
        d = defaultList = resolve(names); // immutable inputs (the config's copy, fixed regions): same list every time
      }
      return d;
    }
    return resolve(names);
  }

  private List<MemoryRegion> resolve(String... names) {
    List<String> list = names == null || names.length == 0 ? defaultPlacement : List.of(names);
    if (list.isEmpty()) {
      list = List.copyOf(regions.keySet());
    }
    List<MemoryRegion> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String n : list) {
      MemoryRegion r = regions.get(n);
      if (r == null || !seen.add(n)) {
        throw CgroupException.of(Errno.EINVAL, "%s: %s region '%s' in placement list %s (regions: %s)",
            device, r == null ? "unknown" : "repeated", n, list, regions.keySet());
      }
      out.add(r);
    }
    return List.copyOf(out);
  }

  /**
   * Under the device lock: creates an object of {@code size} bytes (rounded up to the page size)
   * for {@code creator} (a task name, for messages), charged to {@code cgroup} (null: not charged),
   * in the first placement that takes it. The object has no reference yet: the caller gives it a
   * handle.
   *
   * @throws CgroupException {@code ENOSPC} naming why each placement refused (nothing changed);
   *     what the charge throws otherwise, e.g. {@code ENOENT} when the cgroup was removed (nothing
   *     changed either)
   */
  GemObject create(String creator, long size, List<MemoryRegion> placements, CgroupHandle cgroup) {
    assert Thread.holdsLock(lock);
    long pageSize = placements.isEmpty() ? 4096 : 0;
    // indexed loops over the placements: an iterator per loop was a fifth of this path's garbage
    for (int i = 0; i < placements.size(); i++) {
      pageSize = Math.max(pageSize, placements.get(i).pageSize());
    }
    long aligned = RegionAllocator.roundUp(size, pageSize);
    GemObject obj = new GemObject(lock, device, nextObjectId++, aligned, placements, cgroup);
    List<Supplier<String>> refusals = new ArrayList<>(); // no array until a placement refuses
    for (int i = 0; i < placements.size(); i++) {
      MemoryRegion r = placements.get(i);
      if (!charging.allowsRegion(cgroup, r.name())) {
        CgroupPath path = cgroup.path();
        refusals.add(() -> r.name() + ": not in cpuset.mems.effective of " + path);
        continue;
      }
      Supplier<String> refused = place(obj, r, cgroup);
      if (refused == null) {
        objects.add(obj);
        return obj;
      }
      residency.in(r).failedAllocation();
      refusals.add(() -> r.name() + ": " + refused.get());
    }
    // without a stack trace, and the message made only if someone reads it: a workload at its limit is
    // refused often and drops the refusal (String.format, then fillInStackTrace, dominated this path)
    throw CgroupException.refusal(Errno.ENOSPC, () -> {
      StringBuilder why = new StringBuilder(device).append(": cannot place a GEM object of ").append(aligned)
          .append(" bytes for ").append(creator).append(':');
      refusals.forEach(refusal -> why.append(' ').append(refusal.get()).append(';'));
      return why.toString();
    });
  }

  /**
   * Charges then allocates {@code obj} in {@code r}; null on success, else why not (nothing held),
   * with the figures of the moment.
   */
  private Supplier<String> place(GemObject obj, MemoryRegion r, CgroupHandle cgroup) {
    GemCharge charge = null;
    if (cgroup != null && charging.charges(r.name())) {
      try {
        charge = charging.charge(r.name(), cgroup, obj.size()); // may call the reclaimer on this thread
      } catch (CgroupException e) {
        if (e.errno() == Errno.ENOSPC || e.errno() == Errno.ENOMEM) {
          return () -> "charge refused (" + e.getMessage() + ")";
        }
        throw e;
      }
    }
    List<RegionAllocator.Block> blocks = r.allocator().allocate(obj.size());
    for (int attempt = 0; blocks.isEmpty() && attempt < 3; attempt++) {
      if (eviction.makeRoom(r, obj.size()) == 0) {
        break;
      }
      blocks = r.allocator().allocate(obj.size());
    }
    if (blocks.isEmpty()) {
      if (charge != null) {
        charge.uncharge(obj.size());
      }
      long avail = r.allocator().avail();
      long largest = r.allocator().largestFree();
      return () -> "no room in the allocator (" + avail + " bytes free, largest block " + largest + ")";
    }
    obj.placeIn(r, blocks, charge, null);
    residency.in(r).add(obj);
    return null;
  }

  /**
   * Under the device lock: moves an idle object to another region of its placement list (i915's
   * {@code i915_gem_object_migrate}, TTM's validate): to host memory it is an eviction (its charge
   * moves to swap); back to device memory it is a swap-in (memory charged again, reclaiming if needed,
   * swap returned); an object placed in host memory from the start is charged to {@code cgroup} (the
   * migrating task's) when it enters device memory. Room is made as for a create; the charge is taken
   * only once the room is there, so a refused charge leaves the object where it was.
   *
   * @throws CgroupException {@code EINVAL} for a region outside the object's placement list, {@code
   *     EBUSY} for a pinned or active object, {@code ENOSPC} when the region has no room, the charge
   *     fails or {@code memory.swap.max} refuses the eviction; nothing changed then
   */
  void migrate(GemObject o, MemoryRegion to, CgroupHandle cgroup, GemEvictor evictor) {
    assert Thread.holdsLock(lock);
    o.checkLive();
    MemoryRegion from = o.region;
    if (from == to) {
      return;
    }
    if (!o.placements().contains(to.name())) {
      throw CgroupException.of(Errno.EINVAL, "%s: GEM object %d may not move to %s: not in its placement list %s",
          device, o.id(), to.name(), o.placements());
    }
    if (!o.evictable()) {
      throw CgroupException.of(Errno.EBUSY, "%s: GEM object %d is %s", device, o.id(), o.pinCount > 0 ? "pinned" : "in use by a batch");
    }
    if (to == evictor.target() && !charging.charges(to.name())) {
      CgroupHandle owner = o.chargedTo();
      if (!evictor.evictOne(o)) {
        throw CgroupException.of(Errno.ENOSPC, "%s: cannot evict GEM object %d to %s: %s", device, o.id(), to.name(),
            owner == null ? "no room" : "no room, or memory.swap.max of " + owner.path() + " (or an ancestor's) reached");
      }
      return;
    }
    if (!charging.allowsRegion(cgroup, to.name())) {
      throw CgroupException.of(Errno.ENOSPC, "%s: %s is not in cpuset.mems.effective of %s", device, to.name(), cgroup.path());
    }
    List<RegionAllocator.Block> blocks = to.allocator().allocate(o.size());
    for (int attempt = 0; blocks.isEmpty() && attempt < 3; attempt++) {
      if (eviction.makeRoom(to, o.size()) == 0) {
        break;
      }
      blocks = to.allocator().allocate(o.size());
    }
    if (blocks.isEmpty()) {
      throw CgroupException.of(Errno.ENOSPC, "%s: no room for GEM object %d in %s (%d bytes free)", device, o.id(), to.name(),
          to.allocator().avail());
    }
    GemCharge charge = null;
    try {
      if (charging.charges(to.name())) {
        charge = o.swap != null ? o.swap.swapIn(o.size()) : charging.charge(to.name(), cgroup, o.size());
      }
    } catch (RuntimeException e) {
      to.allocator().free(blocks);
      throw e;
    }
    if (o.charge != null) {
      o.charge.uncharge(o.size()); // left another device region
    }
    from.allocator().free(o.blocks);
    o.placeIn(to, blocks, charge, null);
    residency.in(from).movedTo(o, residency.in(to));
  }

  /**
   * Under the device lock: {@code objects} are used by a batch: each gains a reference, becomes
   * active (not evictable) and most recently used.
   *
   * @return what to run when the batch completed or was cancelled: it releases them again
   */
  Runnable useInBatch(List<GemObject> used) {
    assert Thread.holdsLock(lock);
    for (GemObject o : used) {
      o.refcount++;
      o.activate();
      residency.in(o.region).touch(o);
    }
    return () -> {
      for (GemObject o : used) {
        o.deactivate();
        put(o);
      }
    };
  }

  /** Under the device lock: drops one reference; the last one frees the object and returns its charge. */
  @Override
  public void put(GemObject o) {
    assert Thread.holdsLock(lock);
    if (--o.refcount > 0) {
      return;
    }
    o.freed = true;
    objects.remove(o);
    residency.in(o.region).remove(o);
    o.region.allocator().free(o.blocks);
    GemCharge charge = o.charge;
    if (charge != null) {
      charge.uncharge(o.size()); // to the pool it was taken from, whatever became of its cgroup
      o.charge = null;
    }
    SwapCharge swap = o.swap;
    if (swap != null) {
      swap.free(o.size()); // an evicted object returns its swap
      o.swap = null;
    }
  }

  /** Under the device lock: the live objects, oldest first. */
  List<GemObject> objects() {
    return List.copyOf(objects);
  }

  /** Under the device lock: per-region allocator and eviction counters. */
  List<RegionStats> stats() {
    return residency.values().stream().map(Residency::stats).toList();
  }
}
