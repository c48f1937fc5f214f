package io.cgdev.controller.memory;

import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.plugin.support.PressureGroup;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The memory controller's state of one cgroup for one device: a {@link PageCounter} per region
 * (linked to the parent state's counters), event counters, statistics and the open {@code
 * memory.peak} handles that reset their watermark.
 *
 * <p>Counters, events and statistics are lock-free and read or updated from any thread. The peak
 * watchers are changed only by file writes, under the hierarchy lock.
 */
final class MemoryState implements DeviceState {
  /** Keys of the per-region statistics kept here (besides usage and peak, read from the counter). */
  enum Stat {
    /** Bytes uncharged by the reclaimer from this cgroup and its descendants. */
    EVICTED,
    /** Uncharges made by the reclaimer from this cgroup and its descendants (objects evicted). */
    EVICTIONS,
    /** Charges to this cgroup or a descendant that failed (ENOSPC, or refused by tryCharge). */
    FAILED_CHARGES,
    /** Reclaim requests sent to the driver with this cgroup as the scope. */
    RECLAIM_REQUESTS,
    /** Bytes freed by those requests. */
    RECLAIMED;

    static final Stat[] ALL = values();
  }

  private static final int EVENTS = MemoryEvent.ALL.length;
  private static final int STATS = Stat.ALL.length;

  private final MemoryBinding binding;
  private final CgroupHandle cgroup;
  private final MemoryState parent;
  private final PageCounter[] counters;
  private final ChargePool[] pools;
  private final AtomicLongArray events;
  private final AtomicLongArray eventsLocal;
  private final AtomicLongArray stats;
  private final List<WeakReference<PeakWatch>> peakWatchers = new ArrayList<>();
  // changed under the hierarchy lock (create, free), read by reclaim passes on any thread; a
  // concurrent set, so that adding and removing a child costs O(1) however many siblings it has
  // (a copy-on-write list made building a flat tree quadratic); readers need no order
  private final Set<MemoryState> children = ConcurrentHashMap.newKeySet();
  /** {@code memory.pressure}: charges stalled in reclaim, and a refused charge until its cgroup charges again. */
  private final PressureGroup pressure;
  /** A charge of this cgroup was refused and none succeeded since: its client waits to retry. */
  private final AtomicBoolean refused = new AtomicBoolean();

  MemoryState(MemoryBinding binding, CgroupHandle cgroup, MemoryState parent, long[] capacities) {
    this.binding = binding;
    this.cgroup = cgroup;
    this.parent = parent;
    int regions = capacities.length;
    this.counters = new PageCounter[regions];
    this.pools = new ChargePool[regions];
    for (int r = 0; r < regions; r++) {
      pools[r] = new ChargePool(this, r);
      counters[r] = new PageCounter(parent == null ? null : parent.counters[r]);
      if (parent == null) {
        // the device's capacity is the root's limit: a full device is a limit hit at the root
        counters[r].setMax(capacities[r]);
      }
    }
    this.events = new AtomicLongArray(regions * EVENTS);
    this.eventsLocal = new AtomicLongArray(regions * EVENTS);
    this.stats = new AtomicLongArray(regions * STATS);
    this.pressure = parent == null ? PressureGroup.root(binding.clock()) : new PressureGroup(parent.pressure);
    if (parent != null) {
      parent.children.add(this);
    }
  }

  /** The children's states, dying ones included until they are freed. */
  Collection<MemoryState> children() {
    return children;
  }

  MemoryBinding binding() {
    return binding;
  }

  CgroupHandle cgroup() {
    return cgroup;
  }

  MemoryState parent() {
    return parent;
  }

  boolean isRoot() {
    return parent == null;
  }

  PageCounter counter(int region) {
    return counters[region];
  }

  int regions() {
    return counters.length;
  }

  /** The pool a charge of the region to this state is returned to. */
  ChargePool pool(int region) {
    return pools[region];
  }

  /**
   * Bytes charged here and below, without the bytes that threads keep stocked there (they are
   * returned to the counters first): what {@code memory.current} and {@code MemoryCharging.usage}
   * report. The counter's own usage includes stocked bytes.
   */
  long usage(int region) {
    PageCounter c = counters[region];
    if (c.usage() != 0) {
      binding.drainStocks(c);
    }
    return c.usage();
  }

  /** The state of this cgroup or an ancestor that owns {@code counter}. */
  MemoryState ownerOf(PageCounter counter, int region) {
    for (MemoryState s = this; s != null; s = s.parent) {
      if (s.counters[region] == counter) {
        return s;
      }
    }
    throw new IllegalStateException("counter is not an ancestor's");
  }

  /** Counts an event here (local and hierarchical) and in every ancestor (hierarchical). */
  void count(int region, MemoryEvent event) {
    eventsLocal.incrementAndGet(region * EVENTS + event.ordinal());
    for (MemoryState s = this; s != null; s = s.parent) {
      s.events.incrementAndGet(region * EVENTS + event.ordinal());
    }
  }

  long events(int region, MemoryEvent event, boolean local) {
    return (local ? eventsLocal : events).get(region * EVENTS + event.ordinal());
  }

  /** Adds to a statistic here only. */
  void addLocal(int region, Stat stat, long delta) {
    stats.addAndGet(region * STATS + stat.ordinal(), delta);
  }

  /** Adds to a statistic here and in every ancestor. */
  void addHierarchical(int region, Stat stat, long delta) {
    for (MemoryState s = this; s != null; s = s.parent) {
      s.stats.addAndGet(region * STATS + stat.ordinal(), delta);
    }
  }

  long stat(int region, Stat stat) {
    return stats.get(region * STATS + stat.ordinal());
  }

  /** The peak as seen through a handle: all-time, or since that handle's last reset. */
  long peak(int region, PeakWatch watch) {
    PageCounter c = counters[region];
    if (watch == null) {
      return c.watermark();
    }
    return Math.max(watch.value(region), c.localWatermark());
  }

  /**
   * Resets the peak for one handle, as the kernel's per-file {@code memory.peak} reset: the shared
   * local watermark restarts at usage now, after its old value is folded into every other handle
   * that reset before (so they keep seeing their own peak). Called under the hierarchy lock.
   */
  PeakWatch resetPeak(PeakWatch watch) {
    PeakWatch mine = watch != null ? watch : new PeakWatch(counters.length);
    List<PeakWatch> live = new ArrayList<>();
    peakWatchers.removeIf(ref -> {
      PeakWatch w = ref.get();
      if (w == null) {
        return true;
      }
      live.add(w);
      return false;
    });
    for (int r = 0; r < counters.length; r++) {
      long now = usage(r);
      long old = counters[r].swapLocalWatermark(now);
      for (PeakWatch w : live) {
        if (w != mine) {
          w.raise(r, old);
        }
      }
      mine.set(r, now);
    }
    if (!live.contains(mine)) {
      peakWatchers.add(new WeakReference<>(mine));
    }
    return mine;
  }

  /**
   * No charge comes here any more (the binding refuses charges to a removed cgroup, and takes back
   * one that raced with the removal): the threads' stocks for this cgroup go back at once.
   */
  @Override
  public void offline() {
    for (int r = 0; r < counters.length; r++) {
      usage(r);
    }
  }

  @Override
  public void free() {
    if (parent != null) {
      parent.children.remove(this);
    }
    binding.forget(this);
    retried();
    pressure.close();
  }

  /** The pressure of this cgroup's charges ({@code memory.pressure}). */
  PressureGroup pressure() {
    return pressure;
  }

  /**
   * A charge was refused ({@code ENOSPC} after reclaim): from now on its client stalls, waiting to
   * retry, until a charge of this cgroup succeeds, all of a region's memory is given back, or the
   * cgroup is freed.
   */
  void refused() {
    if (refused.compareAndSet(false, true)) {
      pressure.change(+1, 0);
    }
  }

  /** A charge succeeded (or nothing is charged any more): a refused client stalls no longer. */
  void retried() {
    if (refused.get() && refused.compareAndSet(true, false)) {
      pressure.change(-1, 0);
    }
  }

  /** Whether a refused charge keeps this cgroup stalled now. */
  boolean refusedPending() {
    return refused.get();
  }

  @Override
  public boolean drained() {
    for (int r = 0; r < counters.length; r++) {
      // stocked bytes are nobody's charges: drain them (only when there is usage at all, so a
      // drained state costs one read per region)
      if (usage(r) != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "MemoryState[" + binding.deviceName() + " " + cgroup.path() + "]";
  }

  /** Per-handle {@code memory.peak} state: the peak since that handle's last reset, per region. */
  static final class PeakWatch {
    private final AtomicLongArray values;

    PeakWatch(int regions) {
      values = new AtomicLongArray(regions);
    }

    long value(int region) {
      return values.get(region);
    }

    void set(int region, long value) {
      values.set(region, value);
    }

    void raise(int region, long value) {
      values.accumulateAndGet(region, value, Math::max);
    }
  }
}
