package io.cgdev.drm;

import io.cgdev.api.spi.CgroupHandle;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The GEM objects resident in one region, least recently used first (TTM's LRU), with the region's
 * eviction and failure counters. Placement adds and removes objects, batches touch them, eviction
 * walks them. Guarded by the device lock.
 *
 * <p>The list is intrusive, as the kernel's {@code list_head} in a TTM resource: each object holds
 * its neighbours ({@link GemObject#lruPrev}, {@link GemObject#lruNext}) and the region whose list
 * holds it ({@link GemObject#listedIn}), so a batch's touch, a placement and a free are a few
 * pointer writes, with no hashing, and a walk reads the objects themselves. An object is in at most
 * one residency.
 *
 * <p>Beside the list it keeps what a walk needs to know to end early: the region's {@link
 * EvictionIndex} (told here of arrivals and departures) and the size of its smallest object.
 */
final class Residency {
  private final MemoryRegion region;
  /** Least recently used; null when empty. */
  private GemObject head;
  /** Most recently used; null when empty. */
  private GemObject tail;
  private int size;
  /** Changes to the list, so that a walk fails fast on a change it did not make. */
  private int modCount;
  private final EvictionIndex index = new EvictionIndex();
  /** The resident objects by size, for the smallest: counts, changed as objects arrive and leave. */
  private final TreeMap<Long, int[]> sizes = new TreeMap<>();
  private long evictions;
  private long evictedBytes;
  private long failedAllocations;

  Residency(MemoryRegion region) {
    this.region = region;
  }

  MemoryRegion region() {
    return region;
  }

  /** {@code o}, in no residency, was placed here: most recently used. */
  void add(GemObject o) {
    if (o.listedIn != null) {
      throw new IllegalStateException(o + " is already resident in " + o.listedIn.name());
    }
    linkLast(o);
    o.evictionIndex = index;
    o.chargedIn = index.arrive(o.charge == null ? null : o.charge.cgroup());
    if (o.evictable()) {
      index.add(o.chargedIn, o.size());
    }
    sizes.computeIfAbsent(o.size(), size -> new int[1])[0]++;
  }

  /** {@code o} was freed; nothing when it is not resident here. */
  void remove(GemObject o) {
    if (o.listedIn == region) {
      unlink(o);
      leave(o);
    }
  }

  /** The counts of {@code o}, just unlinked, go. */
  private void leave(GemObject o) {
    if (o.evictable()) {
      index.add(o.chargedIn, -o.size());
    }
    index.leave(o.chargedIn);
    o.evictionIndex = null;
    o.chargedIn = null;
    int[] n = sizes.get(o.size());
    if (--n[0] == 0) {
      sizes.remove(o.size());
    }
  }

  /**
   * Bytes of the idle objects here that a walk for {@code scope} may take: see {@link
   * EvictionIndex#bytesFor}.
   */
  long evictableBytes(CgroupHandle scope) {
    return index.bytesFor(scope);
  }

  /**
   * Offers every idle object here charged in {@code scope}'s subtree to {@code mayEvict}: see {@link
   * EvictionIndex#offerIdle}.
   */
  void offerIdle(CgroupHandle scope, Predicate<CgroupHandle> mayEvict) {
    index.offerIdle(scope, mayEvict);
  }

  /**
   * The size of the smallest object resident here; {@link Long#MAX_VALUE} when there is none. An
   * eviction walk whose target has fewer bytes free than that can move nothing.
   */
  long smallestObject() {
    return sizes.isEmpty() ? Long.MAX_VALUE : sizes.firstKey();
  }

  /** The cgroups the index counts: those with objects charged in their subtree resident here. */
  int countedCgroups() {
    return index.cgroups();
  }

  /** Marks a resident object most recently used; nothing when it is not resident here. */
  void touch(GemObject o) {
    if (o.listedIn != region) {
      return;
    }
    if (o != tail) {
      unlink(o);
      linkLast(o);
    } else {
      modCount++; // as a remove and an add would: a walk in progress fails
    }
  }

  /** {@code o} was evicted from here to {@code target}. */
  void evictedTo(GemObject o, Residency target) {
    movedTo(o, target);
    evictions++;
    evictedBytes += o.size();
  }

  /** {@code o} was moved from here to {@code target} on request (not an eviction). */
  void movedTo(GemObject o, Residency target) {
    if (o.listedIn != region) {
      throw new IllegalStateException(o + " is not resident in " + region.name());
    }
    unlink(o);
    leave(o);
    target.add(o);
  }

  private void linkLast(GemObject o) {
    o.lruPrev = tail;
    o.lruNext = null;
    if (tail == null) {
      head = o;
    } else {
      tail.lruNext = o;
    }
    tail = o;
    o.listedIn = region;
    size++;
    modCount++;
  }

  private void unlink(GemObject o) {
    GemObject prev = o.lruPrev;
    GemObject next = o.lruNext;
    if (prev == null) {
      head = next;
    } else {
      prev.lruNext = next;
    }
    if (next == null) {
      tail = prev;
    } else {
      next.lruPrev = prev;
    }
    o.lruPrev = null;
    o.lruNext = null;
    o.listedIn = null;
    size--;
    modCount++;
  }

  /** A placement in this region failed (limit or space). */
  void failedAllocation() {
    failedAllocations++;
  }

  /** The resident objects, least recently used first; a copy. */
  List<GemObject> leastRecentlyUsedFirst() {
    List<GemObject> out = new ArrayList<>(size);
    for (GemObject o = head; o != null; o = o.lruNext) {
      out.add(o);
    }
    return List.copyOf(out);
  }

  /**
   * The resident objects, least recently used first, live (no copy: eviction walks only as far as
   * it needs to, where a copy cost the whole list per reclaim). While it is in use nothing but
   * {@link #evictedTo(Walk, GemObject, Residency)} may change this residency or its index: any other
   * change fails the walk with {@link ConcurrentModificationException} at its next step.
   */
  Walk walk() {
    return new Walk();
  }

  /** The object {@code walk} just returned was evicted from here to {@code target}. */
  void evictedTo(Walk walk, GemObject o, Residency target) {
    walk.checkOwnStep(o);
    evictedTo(o, target);
    walk.expectedMods = modCount;
    walk.expectedChanges = index.changes();
  }

  /** A walk over the list, head to tail; removal only through {@link #evictedTo(Walk, GemObject, Residency)}. */
  final class Walk implements Iterator<GemObject> {
    private GemObject next = head;
    private GemObject last;
    private int expectedMods = modCount;
    private int expectedChanges = index.changes();

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public GemObject next() {
      checkMods();
      GemObject o = next;
      if (o == null) {
        throw new NoSuchElementException();
      }
      next = o.lruNext;
      last = o;
      return o;
    }

    private void checkOwnStep(GemObject o) {
      checkMods();
      if (o != last || o.listedIn != region) {
        throw new IllegalStateException(o + " is not the object this walk over " + region.name() + " returned last");
      }
      last = null;
    }

    private void checkMods() {
      if (modCount != expectedMods || index.changes() != expectedChanges) {
        throw new ConcurrentModificationException(region.name() + "'s LRU list or its index changed during an eviction walk");
      }
    }
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
        size,
        evictions,
        evictedBytes,
        failedAllocations,
        region.allocator().largestFree(),
        region.allocator().freeBlocks(),
        frag);
  }
}
