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
 * The memory controller's state of one cgroup for one device registration (one region of device
 * memory): a {@link PageCounter} for memory and one for swap (the bytes of evicted buffers), each
 * linked to the parent state's, the memory and swap events, statistics and the open {@code
 * memory.peak} / {@code memory.swap.peak} handles that reset their watermark.
 *
 * <p>Counters, events and statistics are lock-free and read or updated from any thread. The peak
 * watchers are changed only by file writes, under the hierarchy lock.
 */
final class MemoryState implements DeviceState {
  /** Keys of the statistics kept here (besides usage and peak, read from the counter). */
  enum Stat {
    /** Bytes evicted (swapped out, or uncharged by the reclaimer) from this cgroup and below. */
    EVICTED,
    /** Evictions (buffers) from this cgroup and below. */
    EVICTIONS,
    /** Charges to this cgroup or a descendant that failed (ENOSPC, or refused by tryCharge). */
    FAILED_CHARGES,
    /** Pages of evicted buffers brought back to device memory (memcg's {@code pswpin}). */
    PSWPIN,
    /** Pages of buffers moved to swap (memcg's {@code pswpout}). */
    PSWPOUT,
    /** Reclaim requests sent to the driver with this cgroup as the scope. */
    RECLAIM_REQUESTS,
    /** Bytes freed by those requests. */
    RECLAIMED;

    static final Stat[] ALL = values();
  }

  private static final int EVENTS = MemoryEvent.ALL.length;
  private static final int SWAP_EVENTS = SwapEvent.ALL.length;

  private final MemoryBinding binding;
  private final CgroupHandle cgroup;
  private final MemoryState parent;
  private final PageCounter memory;
  private final PageCounter swap;
  private final ChargePool pool;
  private final SwapCharge swapPool;
  private final AtomicLongArray events = new AtomicLongArray(EVENTS);
  private final AtomicLongArray eventsLocal = new AtomicLongArray(EVENTS);
  private final AtomicLongArray swapEvents = new AtomicLongArray(SWAP_EVENTS);
  private final AtomicLongArray stats = new AtomicLongArray(Stat.ALL.length);
  private final PeakWatchers memoryPeaks;
  private final PeakWatchers swapPeaks;
  // changed under the hierarchy lock (create, free), read by reclaim passes on any thread; a
  // concurrent set, so that adding and removing a child costs O(1) however many siblings it has
  // (a copy-on-write list made building a flat tree quadratic); readers need no order
  private final Set<MemoryState> children = ConcurrentHashMap.newKeySet();
  /** {@code memory.pressure}: charges stalled in reclaim, and a refused charge until its cgroup charges again. */
  private final PressureGroup pressure;
  /** A charge of this cgroup was refused and none succeeded since: its client waits to retry. */
  private final AtomicBoolean refused = new AtomicBoolean();

  MemoryState(MemoryBinding binding, CgroupHandle cgroup, MemoryState parent, long capacity) {
    this.binding = binding;
    this.cgroup = cgroup;
    this.parent = parent;
    this.memory = new PageCounter(parent == null ? null : parent.memory);
    this.swap = new PageCounter(parent == null ? null : parent.swap);
    if (parent == null) {
      // the device's capacity is the root's limit: a full device is a limit hit at the root
      memory.setMax(capacity);
    }
    this.pool = new ChargePool(this);
    this.swapPool = new SwapCharge(this);
    this.memoryPeaks = new PeakWatchers(memory);
    this.swapPeaks = new PeakWatchers(swap);
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

  /** The memory counter (the region's device memory). */
  PageCounter counter() {
    return memory;
  }

  /** The swap counter: bytes of this cgroup's (and its descendants') buffers evicted to host memory. */
  PageCounter swap() {
    return swap;
  }

  /** The pool a charge to this state is returned to. */
  ChargePool pool() {
    return pool;
  }

  /** The swap pool an eviction charged to this state is returned to. */
  SwapCharge swapPool() {
    return swapPool;
  }

  /** This state, or its nearest ancestor whose cgroup is online (where memcg charges a dead cgroup's swap). */
  MemoryState nearestOnline() {
    MemoryState s = this;
    while (!s.cgroup.online() && s.parent != null) {
      s = s.parent;
    }
    return s;
  }

  /**
   * Bytes charged here and below, without the bytes that threads keep stocked there (they are
   * returned to the counters first): what {@code memory.current} and {@code MemoryCharging.usage}
   * report. The counter's own usage includes stocked bytes.
   */
  long usage() {
    if (memory.usage() != 0) {
      binding.drainStocks(memory);
    }
    return memory.usage();
  }

  /** The state of this cgroup or an ancestor that owns {@code counter} (a memory counter). */
  MemoryState ownerOf(PageCounter counter) {
    for (MemoryState s = this; s != null; s = s.parent) {
      if (s.memory == counter || s.swap == counter) {
        return s;
      }
    }
    throw new IllegalStateException("counter is not an ancestor's");
  }

  /** Counts a memory event here (local and hierarchical) and in every ancestor (hierarchical), and notifies their files. */
  void count(MemoryEvent event) {
    eventsLocal.incrementAndGet(event.ordinal());
    for (MemoryState s = this; s != null; s = s.parent) {
      s.events.incrementAndGet(event.ordinal());
    }
    binding.notifyEvent(this);
  }

  long events(MemoryEvent event, boolean local) {
    return (local ? eventsLocal : events).get(event.ordinal());
  }

  /** Counts a swap event here and in every ancestor ({@code memory.swap.events} is hierarchical), and notifies their files. */
  void count(SwapEvent event) {
    for (MemoryState s = this; s != null; s = s.parent) {
      s.swapEvents.incrementAndGet(event.ordinal());
    }
    binding.notifySwapEvent(this);
  }

  long events(SwapEvent event) {
    return swapEvents.get(event.ordinal());
  }

  /** Adds to a statistic here only. */
  void addLocal(Stat stat, long delta) {
    stats.addAndGet(stat.ordinal(), delta);
  }

  /** Adds to a statistic here and in every ancestor. */
  void addHierarchical(Stat stat, long delta) {
    for (MemoryState s = this; s != null; s = s.parent) {
      s.stats.addAndGet(stat.ordinal(), delta);
    }
  }

  long stat(Stat stat) {
    return stats.get(stat.ordinal());
  }

  /** The open {@code memory.peak} handles' watermarks. */
  PeakWatchers memoryPeaks() {
    return memoryPeaks;
  }

  /** The open {@code memory.swap.peak} handles' watermarks. */
  PeakWatchers swapPeaks() {
    return swapPeaks;
  }

  /**
   * No charge comes here any more (the binding refuses charges to a removed cgroup, and takes back
   * one that raced with the removal): the threads' stocks for this cgroup go back at once, and the
   * protection goes, as memcg's {@code mem_cgroup_css_offline} (and dmem's) clear {@code min} and
   * {@code low} so that the charges a dying cgroup still holds protect nothing.
   */
  @Override
  public void offline() {
    usage();
    memory.setMin(0);
    memory.setLow(0);
  }

  /** {@code cgroup.pressure}: this cgroup's {@code memory.pressure} stops (or restarts) accumulating. */
  @Override
  public void accountPressure(boolean on) {
    pressure.enabled(on);
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
   * retry, until a charge of this cgroup succeeds or all of its memory is given back.
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

  boolean refusedPending() {
    return refused.get();
  }

  @Override
  public boolean drained() {
    // stocked bytes are nobody's charges: drain them (only when there is usage at all, so a
    // drained state costs two reads)
    return usage() == 0 && swap.usage() == 0;
  }

  @Override
  public String toString() {
    return "MemoryState[" + binding.deviceName() + " " + cgroup.path() + "]";
  }

  /**
   * The per-handle resets of one counter's peak ({@code memory.peak}, {@code memory.swap.peak}): the
   * kernel's per-file peak. Changed under the hierarchy lock (file writes), read anywhere.
   */
  static final class PeakWatchers {
    private final PageCounter counter;
    private final List<WeakReference<PeakWatch>> watchers = new ArrayList<>();

    PeakWatchers(PageCounter counter) {
      this.counter = counter;
    }

    /** The peak as seen through a handle: all-time, or since that handle's last reset. */
    long peak(PeakWatch watch) {
      if (watch == null) {
        return counter.watermark();
      }
      return Math.max(watch.value(), counter.localWatermark());
    }

    /**
     * Resets the peak for one handle: the shared local watermark restarts at {@code now}, after its
     * old value is folded into every other handle that reset before (so they keep their own peak).
     */
    PeakWatch reset(PeakWatch watch, long now) {
      PeakWatch mine = watch != null ? watch : new PeakWatch();
      List<PeakWatch> live = new ArrayList<>();
      watchers.removeIf(ref -> {
        PeakWatch w = ref.get();
        if (w == null) {
          return true;
        }
        live.add(w);
        return false;
      });
      long old = counter.swapLocalWatermark(now);
      for (PeakWatch w : live) {
        if (w != mine) {
          w.raise(old);
        }
      }
      mine.set(now);
      if (!live.contains(mine)) {
        watchers.add(new WeakReference<>(mine));
      }
      return mine;
    }
  }

  /** Per-handle peak state: the peak since that handle's last reset. */
  static final class PeakWatch {
    private volatile long value;

    long value() {
      return value;
    }

    void set(long v) {
      value = v;
    }

    synchronized void raise(long v) {
      if (v > value) {
        value = v;
      }
    }
  }
}
