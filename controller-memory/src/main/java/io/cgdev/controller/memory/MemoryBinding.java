package io.cgdev.controller.memory;

import io.cgdev.api.ByteSize;
import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.DeviceClock;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.Reclaimer;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.api.spi.StateKey;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The memory controller bound to one device registration, which offers it exactly one region of
 * device memory: creates the per-cgroup {@link MemoryState}s and serves {@link MemoryCharging} to
 * the driver.
 *
 * <p>Charging is lock-free: {@link PageCounter#charge} walks from the cgroup to the root. When a
 * level refuses, its {@code max} event is counted and the device's {@link Reclaimer} is asked to
 * evict from that level's subtree ({@link ReclaimPass}: a pass respecting low, then, if that freed
 * too little and low held something back, a pass ignoring low); the charge is retried after each
 * reclaim, at most {@value #MAX_RECLAIM_RETRIES} times (dmem's number) and no longer than reclaim
 * makes progress, and only then fails with {@code ENOSPC} and an {@code oom} event at the limiting
 * cgroup. A charge made from inside the reclaimer never reclaims in turn.
 *
 * <p>Eviction is swap: the driver moves the charge of a buffer it evicts from memory to swap
 * ({@link #swapOut}), which {@code memory.swap.max} may refuse (the buffer then stays, and so a
 * cgroup with {@code memory.swap.max 0} keeps its buffers resident: a charge that needs their
 * eviction fails instead).
 *
 * <p>Small charges and uncharges go through per-thread {@link ChargeStocks} first (a batch of pages
 * charged at once, served without touching the shared ancestors); stocked bytes are charged, so no
 * limit can be passed, and they are drained before a refusal is reported, before a limit write
 * reclaims, and before exact usage is read.
 *
 * <p>Capabilities run on any thread; {@link #createState}, {@link #checkReleased}, {@link #unbind} and
 * the file writes run under the hierarchy lock.
 */
final class MemoryBinding implements DeviceBinding<MemoryState>, MemoryCharging {
  /** How often a charge reclaims and retries before it fails (dmem's reclaim hook uses 5). */
  static final int MAX_RECLAIM_RETRIES = 5;

  /**
   * How often {@code memory.reclaim} may find nothing to reclaim before it gives up with {@code
   * EAGAIN}: the kernel's {@code MAX_RECLAIM_RETRIES} (mm/internal.h), counted as
   * {@code user_proactive_reclaim} counts it (the 17th attempt without progress fails).
   */
  static final int PROACTIVE_RETRIES = 16;

  /** The smallest proactive reclaim request, in pages: the kernel's {@code SWAP_CLUSTER_MAX}. */
  static final long PROACTIVE_MIN_PAGES = 32;

  /** The attribute of a {@link DeviceSpec} naming the region in the dmem view, e.g. {@code drm/0000:03:00.0/vram0}. */
  static final String DMEM_REGION_ATTRIBUTE = "dmem.region";

  /** The reclaim pass running on this thread, to attribute its uncharges and stop nested reclaim. */
  private static final ThreadLocal<ReclaimPass> CURRENT = new ThreadLocal<>();

  private final MemoryController controller;
  private final MemoryDevices devices;
  private final StateKey<MemoryState> key;
  private final String device;
  private final DeviceSpec spec;
  private final RegionSpec region;
  private final String dmemName;
  private final Reclaimer reclaimer;
  private final Set<MemoryState> states = ConcurrentHashMap.newKeySet();
  private final AtomicInteger reclaiming = new AtomicInteger();
  private final ChargeStocks stocks;
  // states of this binding with a memory.high set; while there is one, charges bypass the stocks so
  // that every charge over high is seen (and counted) as it happens. Changed under the hierarchy lock.
  private volatile int highLimits;
  private volatile boolean bound = true;
  private final BindContext<MemoryState> context;

  MemoryBinding(MemoryController controller, BindContext<MemoryState> context) {
    this.controller = controller;
    this.context = context;
    this.devices = MemoryDevices.of(context.root());
    this.key = context.key();
    this.device = context.registration().name();
    this.spec = context.registration().spec();
    this.region = governedRegion(spec);
    this.dmemName = spec.attributes().getOrDefault(DMEM_REGION_ATTRIBUTE, device + "/" + region.name());
    this.reclaimer = spec.reclaimer();
    this.stocks = new ChargeStocks(region.pageSize());
  }

  /**
   * The one region of device memory a registration offers.
   *
   * @throws CgroupException {@code EINVAL} for none (host memory is not charged) or several (register
   *     once per region)
   */
  static RegionSpec governedRegion(DeviceSpec spec) {
    List<RegionSpec> device = spec.regions().stream().filter(r -> !r.host()).toList();
    if (device.isEmpty()) {
      throw CgroupException.of(Errno.EINVAL, "device %s offers no device-memory region to the memory controller%s",
          spec.name(), spec.regions().isEmpty() ? "" : " (host-memory regions are not charged)");
    }
    if (device.size() > 1) {
      throw CgroupException.of(Errno.EINVAL, "device %s offers %d device-memory regions (%s): the memory controller governs"
          + " one region per registration; register each under its own name (e.g. %s.tile1)",
          spec.name(), device.size(), String.join(", ", device.stream().map(RegionSpec::name).toList()), spec.name());
    }
    return device.get(0);
  }

  /**
   * Tells the watchers of {@code memory.events.local} of {@code counted} and of {@code memory.events}
   * of it and each ancestor that an event was counted there (the kernel's {@code memcg_memory_event}).
   */
  void notifyEvent(MemoryState counted) {
    context.notifyChange(counted.cgroup(), "events.local");
    for (MemoryState s = counted; s != null; s = s.parent()) {
      context.notifyChange(s.cgroup(), "events");
    }
  }

  /** Tells the watchers of {@code memory.swap.events} of {@code counted} and each ancestor (the kernel's {@code memcg_memory_event} for swap). */
  void notifySwapEvent(MemoryState counted) {
    for (MemoryState s = counted; s != null; s = s.parent()) {
      context.notifyChange(s.cgroup(), "swap.events");
    }
  }

  /** Tells the pollers of {@code s}'s {@code memory.pressure} to look again (a trigger's event); any thread, never blocks. */
  void notifyPressure(MemoryState s) {
    context.notifyChange(s.cgroup(), "pressure");
  }

  StateKey<MemoryState> key() {
    return key;
  }

  String deviceName() {
    return device;
  }

  /** The governed region's name, e.g. {@code local0}. */
  String regionName() {
    return region.name();
  }

  /** The device's clock, which {@code memory.pressure} measures stalls with. */
  DeviceClock clock() {
    return spec.clock();
  }

  RegionSpec regionSpec() {
    return region;
  }

  /** The region's name in the dmem view, e.g. {@code drm/0000:00:02.0/local0}. */
  String dmemName() {
    return dmemName;
  }

  boolean bound() {
    return bound;
  }

  // ---- DeviceBinding ----

  @Override
  public MemoryState createState(CgroupHandle cgroup, MemoryState parent) {
    MemoryState s = new MemoryState(this, cgroup, parent, region.capacity());
    states.add(s);
    return s;
  }

  void forget(MemoryState state) {
    states.remove(state);
    if (state.counter().high() != PageCounter.MAX) {
      highLimits--;
    }
  }

  ChargeStocks stocks() {
    return stocks;
  }

  /**
   * Returns every stocked byte at or below {@code scope} ({@code null}: all) to the counters, from
   * every thread's stock; after it (and until the next charge) usage counts only real charges.
   *
   * @return bytes returned
   */
  long drainStocks(PageCounter scope) {
    return stocks.drain(scope);
  }

  @Override
  public void checkReleased() {
    stocks.drain(null);
    List<String> what = new ArrayList<>();
    String memory = owners(MemoryState::counter);
    if (!memory.isEmpty()) {
      what.add(region.name() + ": " + memory);
    }
    String swap = owners(MemoryState::swap);
    if (!swap.isEmpty()) {
      what.add("swap: " + swap);
    }
    if (!what.isEmpty()) {
      throw CgroupException.of(Errno.EBUSY, "device %s still holds memory: %s", device, String.join("; ", what));
    }
  }

  /** "4096 bytes charged to /a, ..." for the cgroups holding charges of their own in a counter. */
  private String owners(Function<MemoryState, PageCounter> counter) {
    Map<MemoryState, Long> childSums = new IdentityHashMap<>();
    for (MemoryState s : states) {
      if (s.parent() != null) {
        childSums.merge(s.parent(), counter.apply(s).usage(), Long::sum);
      }
    }
    List<String> owners = new ArrayList<>();
    for (MemoryState s : states) {
      long local = counter.apply(s).usage() - childSums.getOrDefault(s, 0L);
      if (local > 0) {
        owners.add(local + " bytes charged to " + s.cgroup().path());
      }
    }
    owners.sort(null);
    return String.join(", ", owners);
  }

  @Override
  public void unbind() {
    bound = false;
    stocks.close();
    controller.unbound(this, devices);
  }

  // ---- MemoryCharging ----

  @Override
  public int region(String name) {
    checkBound();
    if (region.name().equals(name)) {
      return 0;
    }
    RegionSpec other = spec.region(name);
    if (other != null && other.host()) {
      throw CgroupException.of(Errno.EINVAL, "device %s: region '%s' is host memory, which the memory controller does not charge",
          device, name);
    }
    throw CgroupException.of(Errno.EINVAL, "device %s has no memory region '%s' (it governs %s)", device, name, region.name());
  }

  @Override
  public Pool charge(CgroupHandle cgroup, int region, long bytes) {
    return charge(cgroup, region, bytes, true);
  }

  @Override
  public Pool tryCharge(CgroupHandle cgroup, int region, long bytes) {
    return charge(cgroup, region, bytes, false);
  }

  /**
   * {@link #charge(CgroupHandle, int, long)} with {@code mayReclaim}; without it ({@link #tryCharge})
   * a limit refuses at once: its {@code max} event and a failed charge are counted, and null returned.
   */
  private Pool charge(CgroupHandle cgroup, int region, long bytes, boolean mayReclaim) {
    MemoryState s = liveState(cgroup, region, bytes);
    if (bytes == 0) {
      return s.pool();
    }
    PageCounter fail = chargeStocked(s.counter(), bytes);
    if (fail == PageCounter.OVER_HIGH) {
      overHigh(s, mayReclaim);
    } else if (fail != null) {
      if (!mayReclaim) {
        s.ownerOf(fail).count(MemoryEvent.MAX);
        s.addHierarchical(MemoryState.Stat.FAILED_CHARGES, 1);
        return null;
      }
      chargeSlow(s, bytes, fail);
    }
    Pool p = confirm(s, bytes);
    s.retried();
    return p;
  }

  /** {@link #chargeSlow} as a memory stall of {@code s} (the kernel's psi_memstall_enter/leave around reclaim). */
  private void chargeSlow(MemoryState s, long bytes, PageCounter fail) {
    s.pressure().change(+1, 0);
    try {
      reclaimAndRetry(s, bytes, fail);
    } catch (CgroupException e) {
      if (e.errno() == Errno.ENOSPC) {
        s.refused();
      }
      throw e;
    } finally {
      s.pressure().change(-1, 0);
    }
  }

  private void reclaimAndRetry(MemoryState s, long bytes, PageCounter fail) {
    PageCounter c = s.counter();
    boolean nested = CURRENT.get() != null;
    MemoryState limiting = s.ownerOf(fail);
    int attempts = 0;
    while (true) {
      limiting.count(MemoryEvent.MAX);
      if (nested || attempts == MAX_RECLAIM_RETRIES) {
        break;
      }
      attempts++;
      long want = Math.max(fail.usage() + bytes - fail.max(), region.pageSize());
      long freed = reclaim(limiting, want);
      fail = chargeExact(c, bytes);
      if (fail == null || fail == PageCounter.OVER_HIGH) {
        if (fail != null) {
          overHigh(s, true);
        }
        return;
      }
      limiting = s.ownerOf(fail);
      if (freed == 0) {
        break;
      }
    }
    limiting.count(MemoryEvent.OOM);
    s.addHierarchical(MemoryState.Stat.FAILED_CHARGES, 1);
    // without a stack trace, and the message made only if someone reads it: a refused charge is a common
    // outcome under a limit (every refused buffer of a workload churning at its limit, counted and dropped);
    // Formatter, fillInStackTrace and even the concatenation each cost more than the reclaim before it
    PageCounter full = limiting.counter();
    LimitReached limit = new LimitReached(limiting.isRoot() ? null : limiting.cgroup().path(), full.usage(), full.max());
    CgroupPath path = s.cgroup().path();
    int tried = attempts;
    throw CgroupException.refusal(Errno.ENOSPC, () -> device + ": cannot charge " + bytes + " bytes of " + region.name()
        + " to " + path + ": " + limit.text() + " after " + tried + " reclaim attempts");
  }

  /** What refused a charge, with the figures of that moment; the text made on demand. */
  private record LimitReached(CgroupPath limiting, long usage, long max) {
    String text() {
      if (limiting == null) {
        return "the region is full (" + usage + " of " + max + " bytes in use)";
      }
      return "memory.max of " + limiting + " (" + ByteSize.format(max) + ") reached, " + usage + " bytes in use";
    }
  }

  /**
   * Keeps a charge just made to {@code s} if its cgroup is still online, else takes it back and
   * refuses it with {@code ENOENT}. This closes the race with rmdir without a lock: the charge added
   * to the counters before it reads {@code online}, and rmdir clears {@code online} before the core
   * asks whether the state has {@link MemoryState#drained drained}; so either this check sees the
   * removal, or the core sees the charge and keeps the cgroup dying until it is returned (the
   * kernel's {@code css_tryget_online}, without a reference count on the hot path).
   */
  private Pool confirm(MemoryState s, long bytes) {
    if (s.cgroup().online()) {
      return s.pool();
    }
    PageCounter c = s.counter();
    stocks.drain(c); // this thread may just have stocked bytes there; nobody may use them now
    c.uncharge(bytes);
    throw removed(s.cgroup(), bytes);
  }

  @Override
  public void uncharge(Pool pool, long bytes) {
    MemoryState s = own(pool, bytes);
    uncharge(s, bytes, true);
  }

  @Override
  public void uncharge(CgroupHandle cgroup, int region, long bytes) {
    uncharge(state(cgroup, region, bytes), bytes, true);
  }

  private MemoryState own(Pool pool, long bytes) {
    if (!(pool instanceof ChargePool p) || p.state().binding() != this) {
      throw CgroupException.of(Errno.EINVAL, "%s: cannot uncharge %d bytes: pool %s belongs to another device",
          device, bytes, pool);
    }
    checkBound();
    checkSize(0, bytes);
    return p.state();
  }

  /**
   * Returns {@code bytes} to {@code s}'s counter; through this thread's stock when allowed and no
   * reclaim runs (so that reclaim frees what it evicts).
   *
   * @throws CgroupException {@code EINVAL} for more than is charged there (nothing changes)
   */
  private void uncharge(MemoryState s, long bytes, boolean mayStock) {
    if (bytes == 0) {
      return;
    }
    PageCounter c = s.counter();
    if (mayStock && reclaiming.get() == 0 && highLimits == 0 && bytes <= stocks.batch() && stocks.refund(c, bytes)) {
      return;
    }
    // stocked bytes below c inflate its usage: make sure they cannot hide an uncharge of more than
    // was charged (a driver bug that must stay an EINVAL)
    long floor = c.usage() - bytes;
    if (floor < stocks.stockedIn(c, floor)) {
      stocks.drain(c);
    }
    if (!c.uncharge(bytes)) {
      throw CgroupException.of(Errno.EINVAL, "%s: cannot uncharge %d bytes of %s from %s: only %d bytes are charged there",
          device, bytes, region.name(), s.cgroup().path(), c.usage());
    }
    if (s.refusedPending() && c.usage() == 0) {
      s.retried(); // all given back: nothing of it waits to be charged any more
    }
    if (mayStock && reclaiming.get() != 0) {
      ReclaimPass pass = CURRENT.get();
      if (pass != null && pass.binding() == this) {
        evicted(s, bytes);
      }
    }
  }

  private static void evicted(MemoryState s, long bytes) {
    s.addHierarchical(MemoryState.Stat.EVICTED, bytes);
    s.addHierarchical(MemoryState.Stat.EVICTIONS, 1);
  }

  @Override
  public long reclaim(CgroupHandle scope, int region, long bytes) {
    MemoryState s = state(scope, region, bytes);
    if (bytes == 0) {
      return 0;
    }
    return reclaim(s, bytes);
  }

  @Override
  public long usage(CgroupHandle cgroup, int region) {
    return state(cgroup, region, 0).usage();
  }

  // ---- swap ----

  @Override
  public SwapPool swapOut(Pool pool, long bytes) {
    MemoryState owner = own(pool, bytes);
    MemoryState target = owner.nearestOnline();
    PageCounter fail = bytes == 0 ? null : target.swap().charge(bytes, true);
    if (fail != null && fail != PageCounter.OVER_HIGH) {
      target.count(SwapEvent.MAX);
      target.count(SwapEvent.FAIL);
      return null;
    }
    try {
      uncharge(owner, bytes, false);
    } catch (CgroupException e) {
      target.swap().uncharge(bytes);
      throw e;
    }
    if (bytes > 0) {
      evicted(owner, bytes);
      owner.addHierarchical(MemoryState.Stat.PSWPOUT, pages(bytes));
    }
    if (fail == PageCounter.OVER_HIGH) {
      // as memcg's swap_find_max_overage: every level above its memory.swap.high counts the event
      for (MemoryState s = target; s != null; s = s.parent()) {
        if (s.swap().usage() > s.swap().high()) {
          s.count(SwapEvent.HIGH);
        }
      }
    }
    return target.swapPool();
  }

  @Override
  public Pool swapIn(SwapPool swap, long bytes) {
    MemoryState s = ownSwap(swap, bytes);
    if (s.swap().usage() < bytes) {
      throw tooMuchSwap(s, bytes);
    }
    Pool charged = charge(s.nearestOnline().cgroup(), 0, bytes);
    if (!s.swap().uncharge(bytes)) {
      uncharge(charged, bytes);
      throw tooMuchSwap(s, bytes);
    }
    if (bytes > 0) {
      s.addHierarchical(MemoryState.Stat.PSWPIN, pages(bytes));
    }
    return charged;
  }

  @Override
  public void uncharge(SwapPool swap, long bytes) {
    MemoryState s = ownSwap(swap, bytes);
    if (bytes > 0 && !s.swap().uncharge(bytes)) {
      throw tooMuchSwap(s, bytes);
    }
  }

  @Override
  public long swapUsage(CgroupHandle cgroup) {
    return state(cgroup, 0, 0).swap().usage();
  }

  private MemoryState ownSwap(SwapPool swap, long bytes) {
    if (!(swap instanceof SwapCharge p) || p.state().binding() != this) {
      throw CgroupException.of(Errno.EINVAL, "%s: swap pool %s belongs to another device", device, swap);
    }
    checkBound();
    checkSize(0, bytes);
    return p.state();
  }

  private CgroupException tooMuchSwap(MemoryState s, long bytes) {
    return CgroupException.of(Errno.EINVAL, "%s: cannot return %d bytes of swap to %s: only %d bytes are in swap there",
        device, bytes, s.cgroup().path(), s.swap().usage());
  }

  private long pages(long bytes) {
    return (bytes + region.pageSize() - 1) / region.pageSize();
  }

  // ---- charging through the stocks ----

  /**
   * Charges {@code bytes}: from this thread's stock if it holds enough for {@code c}, else a whole
   * batch through the hierarchy (the rest stocked), else exactly {@code bytes}. Charges larger than a
   * batch, and every charge while some {@code memory.high} is set, go straight to the counters.
   *
   * @return as {@link PageCounter#charge}; a refusal is counted once, at the refusing level
   */
  private PageCounter chargeStocked(PageCounter c, long bytes) {
    long batch = stocks.batch();
    if (bytes <= batch && highLimits == 0) {
      if (stocks.consume(c, bytes)) {
        return null;
      }
      // not counted: a batch that does not fit says nothing about the charge itself
      PageCounter r = c.charge(batch, false);
      if (r == null || r == PageCounter.OVER_HIGH) {
        stocks.refill(c, batch - bytes, bytes);
        return r; // OVER_HIGH only if a high was set while we charged
      }
    }
    return chargeExact(c, bytes);
  }

  /**
   * Charges exactly {@code bytes} at the counters. When a level refuses, stocked bytes below it may be
   * what fills it: they are drained and the charge retried, and the refusal is counted (once) only
   * if it stays.
   */
  private PageCounter chargeExact(PageCounter c, long bytes) {
    for (int tries = 0; ; tries++) {
      PageCounter r = c.charge(bytes, false);
      if (r == null || r == PageCounter.OVER_HIGH) {
        return r;
      }
      if (tries == 3 || stocks.drain(r) == 0) {
        r.countFailure();
        return r;
      }
    }
  }

  // ---- reclaim ----

  /**
   * Asks the driver to free {@code bytes} below {@code scope}: a pass respecting low, then, if it
   * freed too little and low held memory back, a pass ignoring low.
   *
   * @return bytes freed
   */
  long reclaim(MemoryState scope, long bytes) {
    ReclaimPass first = new ReclaimPass(this, bytes, scope, false);
    long freed = run(first);
    if (freed < bytes && first.hitLow()) {
      freed += run(new ReclaimPass(this, bytes - freed, scope, true));
    }
    scope.addLocal(MemoryState.Stat.RECLAIM_REQUESTS, 1);
    scope.addLocal(MemoryState.Stat.RECLAIMED, freed);
    return freed;
  }

  private long run(ReclaimPass pass) {
    ReclaimPass outer = CURRENT.get();
    CURRENT.set(pass);
    reclaiming.incrementAndGet();
    try {
      return Math.max(0, reclaimer.reclaim(pass));
    } finally {
      reclaiming.decrementAndGet();
      // set, not remove: a removed entry makes the next get() insert it again (ThreadLocalMap.set and its
      // stale-entry sweep were 5 % of a run whose every refused charge reclaims); a null value retains nothing
      CURRENT.set(outer);
    }
  }

  /**
   * {@code memory.reclaim}: reclaims {@code bytes} (rounded down to pages) from {@code s}'s subtree
   * through the driver's reclaimer, respecting protection as every reclaim does (the cgroup itself
   * ignores its own, as the target of memcg's proactive reclaim does), the way the kernel's {@code
   * user_proactive_reclaim} loops: requests of a quarter of what is left (at least {@value
   * #PROACTIVE_MIN_PAGES} pages) until enough is reclaimed; attempts that reclaim nothing are allowed
   * {@value #PROACTIVE_RETRIES} times, the next one fails.
   *
   * @param swappiness -1 when not given; 0 evicts nothing (device memory has no file cache: every
   *     buffer reclaimed is swapped), so anything asked for then ends in {@code EAGAIN}
   * @throws CgroupException {@code EAGAIN} when less than asked was reclaimed
   */
  void proactiveReclaim(MemoryState s, long bytes, int swappiness) {
    long page = region.pageSize();
    long pages = Long.divideUnsigned(bytes, page);
    long target = Long.compareUnsigned(pages, Long.MAX_VALUE / page) > 0 ? Long.MAX_VALUE : pages * page;
    drainStocks(s.counter()); // stocked bytes are charged but nobody's: reclaim counts real memory only
    long reclaimed = 0;
    int retries = PROACTIVE_RETRIES;
    while (reclaimed < target) {
      long batch = Math.max((target - reclaimed) / 4, PROACTIVE_MIN_PAGES * page);
      long got = swappiness == 0 ? 0 : reclaim(s, batch);
      if (got == 0 && retries-- == 0) {
        throw CgroupException.of(Errno.EAGAIN, "memory.reclaim of %s on %s: reclaimed %d of %d bytes; nothing more could be"
            + " evicted (protected, pinned or in use, or memory.swap.max reached)", s.cgroup().path(), device, reclaimed, target);
      }
      reclaimed += got;
    }
  }

  /** Counts {@code high} at every level now above its high and, if allowed, reclaims toward it. */
  private void overHigh(MemoryState s, boolean mayReclaim) {
    boolean nested = CURRENT.get() != null;
    for (MemoryState h = s; h != null; h = h.parent()) {
      PageCounter c = h.counter();
      long over = c.usage() - c.high();
      if (over > 0) {
        h.count(MemoryEvent.HIGH);
        if (mayReclaim && !nested) {
          s.pressure().change(+1, 0); // the charging client stalls while it reclaims (mem_cgroup_handle_over_high)
          try {
            reclaim(h, over);
          } finally {
            s.pressure().change(-1, 0);
          }
        }
      }
    }
  }

  // ---- limit writes (under the hierarchy lock) ----

  /**
   * Stores a new max, then unless {@code nonBlocking} reclaims toward it (bounded). Usage may stay
   * above the new max, as in the kernel; an {@code oom} event is counted then.
   */
  void setMax(MemoryState s, long bytes, boolean nonBlocking) {
    PageCounter c = s.counter();
    c.setMax(bytes);
    // stocked bytes below count against the new limit; give them back before reclaiming for them
    stocks.drain(c);
    if (!nonBlocking && reclaimToward(s, bytes)) {
      s.count(MemoryEvent.OOM);
    }
  }

  /**
   * dmem's {@code dmem.max} write: sets max only if usage is not above it (the kernel's {@code
   * page_counter_set_max}, whose refusal dmem ignores), and never reclaims.
   *
   * @return whether the limit was set
   */
  boolean setMaxUnlessBelowUsage(MemoryState s, long bytes) {
    PageCounter c = s.counter();
    stocks.drain(c); // usage must be exact to compare
    return c.setMaxUnlessBelowUsage(bytes);
  }

  /** Stores a new high, then unless {@code nonBlocking} reclaims toward it (bounded). */
  void setHigh(MemoryState s, long bytes, boolean nonBlocking) {
    PageCounter c = s.counter();
    long old = c.high();
    c.setHigh(bytes);
    if (old == PageCounter.MAX && bytes != PageCounter.MAX) {
      highLimits++;
      // from now on charges bypass the stocks; what is stocked would serve charges unseen by high
      stocks.drain(null);
    } else if (old != PageCounter.MAX && bytes == PageCounter.MAX) {
      highLimits--;
    }
    if (!nonBlocking) {
      reclaimToward(s, bytes);
    }
  }

  /** @return true if usage is still above {@code target} */
  private boolean reclaimToward(MemoryState s, long target) {
    PageCounter c = s.counter();
    for (int i = 0; i < MAX_RECLAIM_RETRIES && c.usage() > target; i++) {
      if (reclaim(s, c.usage() - target) == 0) {
        break;
      }
    }
    return c.usage() > target;
  }

  // ---- helpers ----

  private MemoryState state(CgroupHandle cgroup, int region, long bytes) {
    checkBound();
    checkSize(region, bytes);
    return cgroup.state(key);
  }

  /**
   * The state of a cgroup that may take a new charge: the cgroup must be online; a removed one
   * (dying or freed) is refused with {@code ENOENT}, whatever its state lookup would say.
   */
  private MemoryState liveState(CgroupHandle cgroup, int region, long bytes) {
    checkBound();
    checkSize(region, bytes);
    if (!cgroup.online()) {
      throw removed(cgroup, bytes);
    }
    try {
      return cgroup.state(key);
    } catch (CgroupException e) {
      if (cgroup.online()) {
        throw e;
      }
      throw removed(cgroup, bytes);
    }
  }

  private CgroupException removed(CgroupHandle cgroup, long bytes) {
    return CgroupException.of(Errno.ENOENT, "%s: cannot charge %d bytes of %s to %s: the cgroup was removed",
        device, bytes, region.name(), cgroup.path());
  }

  private void checkSize(int index, long bytes) {
    if (index != 0) {
      throw CgroupException.of(Errno.EINVAL, "%s: no memory region with index %d (the registration governs one, index 0: %s)",
          device, index, region.name());
    }
    if (bytes < 0) {
      throw CgroupException.of(Errno.EINVAL, "%s: negative size %d for region %s", device, bytes, region.name());
    }
  }

  private void checkBound() {
    if (!bound) {
      throw CgroupException.of(Errno.ENODEV, "device %s was unregistered", device);
    }
  }

  @Override
  public String toString() {
    return "MemoryBinding[" + device + "/" + region.name() + "]";
  }
}
