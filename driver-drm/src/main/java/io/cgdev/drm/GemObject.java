package io.cgdev.drm;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.drm.sim.RegionAllocator;
import java.util.List;

/**
 * A GEM buffer object (the kernel's {@code drm_gem_object}): a page-aligned size placed in one
 * memory region, charged at creation to its creator's cgroup when that region is device memory, its
 * charge moved to swap when it is evicted to host memory, and uncharged when its last reference
 * goes, through the charge it holds. References are held by handles, exported {@link DmaBuf}s and
 * in-flight batches. Thread-safe; every public method takes the lock of the device that made it.
 * Its placement ({@code region}, {@code blocks}, {@code charge}) is written by {@code GemPlacement}
 * and {@code GemEvictor}, its reference and activity counts by the clients and batches, all under
 * that lock.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class GemObject {
  /** The device lock; also tells which device made the object. */
  final Object lock;
  private final String device;
  private final long id;
  private final long size;
  private final List<MemoryRegion> placements;
  private final CgroupHandle owner;
  MemoryRegion region;
  List<RegionAllocator.Block> blocks;
  /** The memory charge held while resident in a charged (device-memory) region; null otherwise. */
  GemCharge charge;
  /** The swap charge held while evicted to host memory; null otherwise. */
  SwapCharge swap;
  int refcount;
  int handleCount;
  int pinCount;
  int activeCount;
  /** Exported dma-bufs still open: an exported object counts as shared in fdinfo. */
  int dmaBufs;
  int evictions;
  boolean freed;
  /** The region whose LRU list holds the object; null outside any (once freed). Written by its {@code Residency}. */
  MemoryRegion listedIn;
  /** The neighbours in that list, less and more recently used; null at its ends. Written by its {@code Residency}. */
  GemObject lruPrev;
  GemObject lruNext;
  /**
   * That region's eviction index and the node it counts the object's charge under (null when not
   * charged); told when the object becomes busy or idle. Written by its {@code Residency}.
   */
  EvictionIndex evictionIndex;
  EvictionIndex.Node chargedIn;

  GemObject(Object lock, String device, long id, long size, List<MemoryRegion> placements, CgroupHandle owner) {
    this.lock = lock;
    this.device = device;
    this.id = id;
    this.size = size;
    this.placements = placements;
    this.owner = owner;
  }

  /** The name of the device that made the object. */
  String device() {
    return device;
  }

  /** A device-wide id, for messages. */
  public long id() {
    return id;
  }

  /** Bytes, page aligned. */
  public long size() {
    return size;
  }

  /** The region the object lives in now, e.g. {@code local0}; after eviction the system region. */
  public String region() {
    synchronized (lock) {
      return region.name();
    }
  }

  /** The placement list given at creation, most preferred first. */
  public List<String> placements() {
    return placements.stream().map(MemoryRegion::name).toList();
  }

  /**
   * The cgroup the object is charged to: in device memory its memory charge, once evicted to host
   * memory its swap charge — its creator's cgroup at creation time, where it stays when the creator
   * moves (the swap of an object whose cgroup was removed meanwhile goes to that cgroup's nearest
   * live ancestor, as memcg's does); {@code null} when nothing is charged (no {@code DRIVER_CGROUPS},
   * no memory controller, or an object placed in host memory from the start, which is the host's).
   */
  public CgroupHandle chargedTo() {
    synchronized (lock) {
      return charge != null ? charge.cgroup() : swap != null ? swap.cgroup() : null;
    }
  }

  /** Whether the object was evicted to host memory and its charge sits in swap. */
  public boolean swapped() {
    synchronized (lock) {
      return swap != null;
    }
  }

  /** The creator's cgroup at creation, charged or not. */
  public CgroupHandle owner() {
    return owner;
  }

  /** Whether the object is pinned (never evicted). */
  public boolean pinned() {
    synchronized (lock) {
      return pinCount > 0;
    }
  }

  /** Whether a queued or running batch uses the object (never evicted while so). */
  public boolean active() {
    synchronized (lock) {
      return activeCount > 0;
    }
  }

  /** Pins the object in its current region. @throws CgroupException {@code ENOENT} once freed */
  public void pin() {
    synchronized (lock) {
      checkLive();
      if (pinCount++ == 0 && activeCount == 0) {
        idleBytes(-size);
      }
    }
  }

  /** Drops one pin. @throws CgroupException {@code EINVAL} if not pinned */
  public void unpin() {
    synchronized (lock) {
      if (pinCount == 0) {
        throw CgroupException.of(Errno.EINVAL, "GEM object %d on %s is not pinned", id, device);
      }
      if (--pinCount == 0 && activeCount == 0) {
        idleBytes(size);
      }
    }
  }

  /** References held now (handles, dma-bufs, batches); 0 once freed. */
  public int refcount() {
    synchronized (lock) {
      return refcount;
    }
  }

  /** Handles referring to the object over all clients; more than one means shared. */
  public int handleCount() {
    synchronized (lock) {
      return handleCount;
    }
  }

  /** Times the object was evicted. */
  public int evictions() {
    synchronized (lock) {
      return evictions;
    }
  }

  /** False once the last reference went. */
  public boolean live() {
    synchronized (lock) {
      return !freed;
    }
  }

  /** Under the device lock: neither pinned nor used by a batch, so eviction may move it. */
  boolean evictable() {
    return pinCount == 0 && activeCount == 0;
  }

  /** Under the device lock: a batch uses the object; the first makes it busy (not evictable). */
  void activate() {
    if (activeCount++ == 0 && pinCount == 0) {
      idleBytes(-size);
    }
  }

  /** Under the device lock: a batch that used the object ended; the last makes it idle again unless pinned. */
  void deactivate() {
    if (--activeCount == 0 && pinCount == 0) {
      idleBytes(size);
    }
  }

  /** The object became idle (positive) or busy: its region's index counts it so (none once freed). */
  private void idleBytes(long bytes) {
    if (evictionIndex != null) {
      evictionIndex.add(chargedIn, bytes);
    }
  }

  /** Under the device lock: records where the object now lives and the charge it holds there. */
  void placeIn(MemoryRegion r, List<RegionAllocator.Block> blocks, GemCharge charge, SwapCharge swap) {
    this.region = r;
    this.blocks = blocks;
    this.charge = charge;
    this.swap = swap;
  }

  void checkLive() {
    if (freed) {
      throw CgroupException.of(Errno.ENOENT, "GEM object %d on %s was freed", id, device);
    }
  }

  @Override
  public String toString() {
    return "gem#" + id + "(" + size + " B)";
  }
}
