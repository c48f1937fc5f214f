package io.cgdev.controller.memory;

import io.cgdev.api.ByteSize;
import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.DeviceClock;
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

/**
 * The memory controller bound to one device registration: creates the per-cgroup {@link
 * MemoryState}s and serves {@link MemoryCharging} to the driver.
 *
 * <p>Charging is lock-free: {@link PageCounter#tryCharge} walks from the cgroup to the root. When a
 * level refuses, its {@code max} event is counted and the device's {@link Reclaimer} is asked to
 * evict from that level's subtree ({@link ReclaimPass}: a pass respecting low, then, if that freed
 * too little and low held something back, a pass ignoring low); the charge is retried after each
 * reclaim, at most {@value #MAX_RECLAIM_RETRIES} times (dmem's number) and no longer than reclaim
 * makes progress, and only then fails with {@code ENOSPC} and an {@code oom} event at the limiting
 * cgroup. A charge made from inside the reclaimer (e.g. a buffer moved to another region) never
 * reclaims in turn.
 *
 * <p>Small charges and uncharges go through per-thread {@link ChargeStocks} first (a batch of pages
 * charged at once, served without touching the shared ancestors); stocked bytes are charged, so no
 * limit can be passed, and they are drained before a refusal is reported, before a limit write
 * reclaims, and before exact usage is read.
 *
 * <p>Capabilities run on any thread; {@link #createState}, {@link #checkReleased}, {@link #unbind} and
 * the limit writes run under the hierarchy lock.
 */
final class MemoryBinding implements DeviceBinding<MemoryState>, MemoryCharging {
  /** How often a charge reclaims and retries before it fails (dmem's reclaim hook uses 5). */
  static final int MAX_RECLAIM_RETRIES = 5;

  /** The reclaim pass running on this thread, to attribute its uncharges and stop nested reclaim. */
  private static final ThreadLocal<ReclaimPass> CURRENT = new ThreadLocal<>();

  private final MemoryController controller;
  private final StateKey<MemoryState> key;
  private final String device;
  private final RegionSpec[] regions;
  private final Reclaimer reclaimer;
  private final Set<MemoryState> states = ConcurrentHashMap.newKeySet();
  private final AtomicInteger reclaiming = new AtomicInteger();
  private final ChargeStocks stocks;
  // counters of this binding with a memory.high set; while there is one, charges bypass the stocks so
  // that every charge over high is seen (and counted) as it happens. Changed under the hierarchy lock.
  private volatile int highLimits;
  private volatile boolean bound = true;
  private final DeviceClock clock;

  MemoryBinding(MemoryController controller, BindContext<MemoryState> context) {
    this.controller = controller;
    this.key = context.key();
    this.device = context.registration().name();
    List<RegionSpec> list = context.registration().spec().regions();
    if (list.isEmpty()) {
      throw CgroupException.of(Errno.EINVAL, "device %s offers no memory region to the memory controller", device);
    }
    this.regions = list.toArray(RegionSpec[]::new);
    this.reclaimer = context.registration().spec().reclaimer();
    this.clock = context.registration().spec().clock();
    long[] pages = new long[regions.length];
    for (int r = 0; r < regions.length; r++) {
      pages[r] = regions[r].pageSize();
    }
    this.stocks = new ChargeStocks(pages);
  }

  StateKey<MemoryState> key() {
    return key;
  }

  String deviceName() {
    return device;
  }

  int regionCount() {
    return regions.length;
  }

  String regionName(int region) {
    return regions[region].name();
  }

  RegionSpec regionSpec(int region) {
    return regions[region];
  }

  boolean bound() {
    return bound;
  }

  // ---- DeviceBinding ----

  @Override
  public MemoryState createState(CgroupHandle cgroup, MemoryState parent) {
    long[] capacities = new long[regions.length];
    for (int r = 0; r < regions.length; r++) {
      capacities[r] = regions[r].capacity();
    }
    MemoryState s = new MemoryState(this, cgroup, parent, capacities);
    states.add(s);
    return s;
  }

  void forget(MemoryState state) {
    states.remove(state);
    for (int r = 0; r < regions.length; r++) {
      if (state.counter(r).high() != PageCounter.MAX) {
        highLimits--;
      }
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
    StringBuilder what = new StringBuilder();
    for (int r = 0; r < regions.length; r++) {
      Map<MemoryState, Long> childSums = new IdentityHashMap<>();
      for (MemoryState s : states) {
        if (s.parent() != null) {
          childSums.merge(s.parent(), s.counter(r).usage(), Long::sum);
        }
      }
      List<String> owners = new ArrayList<>();
      for (MemoryState s : states) {
        long local = s.counter(r).usage() - childSums.getOrDefault(s, 0L);
        if (local > 0) {
          owners.add(local + " bytes charged to " + s.cgroup().path());
        }
      }
      if (!owners.isEmpty()) {
        owners.sort(null);
        what.append(what.isEmpty() ? "" : "; ").append(regions[r].name()).append(": ").append(String.join(", ", owners));
      }
    }
    if (!what.isEmpty()) {
      throw CgroupException.of(Errno.EBUSY, "device %s still holds memory: %s", device, what);
    }
  }

  @Override
  public void unbind() {
    bound = false;
    stocks.close();
    controller.unbound(this);
  }

  // ---- MemoryCharging ----

  @Override
  public int region(String name) {
    checkBound();
    for (int r = 0; r < regions.length; r++) {
      if (regions[r].name().equals(name)) {
        return r;
      }
    }
    throw CgroupException.of(Errno.EINVAL, "device %s has no memory region '%s'", device, name);
  }

  /** The device's clock, which {@code memory.pressure} measures stalls with. */
  DeviceClock clock() {
    return clock;
  }

  @Override
  public Pool charge(CgroupHandle cgroup, int region, long bytes) {
    MemoryState s = liveState(cgroup, region, bytes);
    if (bytes == 0) {
      return s.pool(region);
    }
    PageCounter c = s.counter(region);
    PageCounter fail = chargeStocked(c, region, bytes);
    if (fail == PageCounter.OVER_HIGH) {
      overHigh(s, region, true);
    } else if (fail != null) {
      chargeSlow(s, region, bytes, fail);
    }
    Pool pool = confirm(s, region, bytes);
    s.retried();
    return pool;
  }

  /**
   * {@link #reclaimAndRetry} as a memory stall of {@code s} (the kernel's {@code psi_memstall_enter}
   * and {@code psi_memstall_leave} around reclaim in {@code try_charge_memcg}); a refusal leaves the
   * cgroup stalled until it charges again ({@link MemoryState#refused}).
   */
  private void chargeSlow(MemoryState s, int region, long bytes, PageCounter fail) {
    s.pressure().change(+1, 0);
    try {
      reclaimAndRetry(s, region, bytes, fail);
    } catch (CgroupException e) {
      if (e.errno() == Errno.ENOSPC) {
        s.refused();
      }
      throw e;
    } finally {
      s.pressure().change(-1, 0);
    }
  }

  private void reclaimAndRetry(MemoryState s, int region, long bytes, PageCounter fail) {
    PageCounter c = s.counter(region);
    boolean nested = CURRENT.get() != null;
    MemoryState limiting = s.ownerOf(fail, region);
    int attempts = 0;
    while (true) {
      limiting.count(region, MemoryEvent.MAX);
      if (nested || attempts == MAX_RECLAIM_RETRIES) {
        break;
      }
      attempts++;
      long want = Math.max(fail.usage() + bytes - fail.max(), regions[region].pageSize());
      long freed = reclaim(limiting, region, want);
      fail = chargeExact(c, bytes);
      if (fail == null || fail == PageCounter.OVER_HIGH) {
        if (fail != null) {
          overHigh(s, region, true);
        }
        return;
      }
      limiting = s.ownerOf(fail, region);
      if (freed == 0) {
        break;
      }
    }
    limiting.count(region, MemoryEvent.OOM);
    s.addHierarchical(region, MemoryState.Stat.FAILED_CHARGES, 1);
    throw CgroupException.of(Errno.ENOSPC, "%s: cannot charge %d bytes of %s to %s: %s after %d reclaim attempts",
        device, bytes, regions[region].name(), s.cgroup().path(), limitText(limiting, region), attempts);
  }

  private String limitText(MemoryState limiting, int region) {
    PageCounter c = limiting.counter(region);
    if (limiting.isRoot()) {
      return "the region is full (" + c.usage() + " of " + c.max() + " bytes in use)";
    }
    return "memory.max of " + limiting.cgroup().path() + " (" + ByteSize.format(c.max()) + ") reached, "
        + c.usage() + " bytes in use";
  }

  @Override
  public Pool tryCharge(CgroupHandle cgroup, int region, long bytes) {
    MemoryState s = liveState(cgroup, region, bytes);
    if (bytes == 0) {
      return s.pool(region);
    }
    PageCounter fail = chargeStocked(s.counter(region), region, bytes);
    if (fail == PageCounter.OVER_HIGH) {
      overHigh(s, region, false);
    } else if (fail != null) {
      s.ownerOf(fail, region).count(region, MemoryEvent.MAX);
      s.addHierarchical(region, MemoryState.Stat.FAILED_CHARGES, 1);
      return null;
    }
    return confirm(s, region, bytes);
  }

  /**
   * Keeps a charge just made to {@code s} if its cgroup is still online, else takes it back and
   * refuses it with {@code ENOENT}. This closes the race with rmdir without a lock: the charge added
   * to the counters before it reads {@code online}, and rmdir clears {@code online} before the core
   * asks whether the state has {@link MemoryState#drained drained}; so either this check sees the
   * removal, or the core sees the charge and keeps the cgroup dying until it is returned (the
   * kernel's {@code css_tryget_online}, without a reference count on the hot path).
   */
  private Pool confirm(MemoryState s, int region, long bytes) {
    if (s.cgroup().online()) {
      return s.pool(region);
    }
    PageCounter c = s.counter(region);
    stocks.drain(c); // this thread may just have stocked bytes there; nobody may use them now
    c.uncharge(bytes);
    throw removed(s.cgroup(), region, bytes);
  }

  @Override
  public void uncharge(Pool pool, long bytes) {
    if (!(pool instanceof ChargePool p) || p.state().binding() != this) {
      throw CgroupException.of(Errno.EINVAL, "%s: cannot uncharge %d bytes: pool %s belongs to another device",
          device, bytes, pool);
    }
    checkBound();
    checkSize(p.region(), bytes);
    uncharge(p.state(), p.region(), bytes);
  }

  @Override
  public void uncharge(CgroupHandle cgroup, int region, long bytes) {
    uncharge(state(cgroup, region, bytes), region, bytes);
  }

  private void uncharge(MemoryState s, int region, long bytes) {
    if (bytes == 0) {
      return;
    }
    PageCounter c = s.counter(region);
    if (reclaiming.get() == 0 && highLimits == 0 && bytes <= stocks.batch(region) && stocks.refund(c, region, bytes)) {
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
          device, bytes, regions[region].name(), s.cgroup().path(), c.usage());
    }
    if (s.refusedPending() && c.usage() == 0) {
      s.retried(); // all given back: nothing of it waits to be charged any more
    }
    if (reclaiming.get() != 0) {
      ReclaimPass pass = CURRENT.get();
      if (pass != null && pass.binding() == this) {
        s.addHierarchical(region, MemoryState.Stat.EVICTED, bytes);
        s.addHierarchical(region, MemoryState.Stat.EVICTIONS, 1);
      }
    }
  }

  @Override
  public long reclaim(CgroupHandle scope, int region, long bytes) {
    MemoryState s = state(scope, region, bytes);
    if (bytes == 0) {
      return 0;
    }
    return reclaim(s, region, bytes);
  }

  @Override
  public long usage(CgroupHandle cgroup, int region) {
    return state(cgroup, region, 0).usage(region);
  }

  // ---- charging through the stocks ----

  /**
   * Charges {@code bytes}: from this thread's stock if it holds enough for {@code c}, else a whole
   * batch through the hierarchy (the rest stocked), else exactly {@code bytes}. Charges larger than a
   * batch, and every charge while some {@code memory.high} is set, go straight to the counters.
   *
   * @return as {@link PageCounter#charge}; a refusal is counted once, at the refusing level
   */
  private PageCounter chargeStocked(PageCounter c, int region, long bytes) {
    long batch = stocks.batch(region);
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
  long reclaim(MemoryState scope, int region, long bytes) {
    ReclaimPass first = new ReclaimPass(this, region, bytes, scope, false);
    long freed = run(first);
    if (freed < bytes && first.hitLow()) {
      freed += run(new ReclaimPass(this, region, bytes - freed, scope, true));
    }
    scope.addLocal(region, MemoryState.Stat.RECLAIM_REQUESTS, 1);
    scope.addLocal(region, MemoryState.Stat.RECLAIMED, freed);
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
      if (outer == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(outer);
      }
    }
  }

  /** Counts {@code high} at every level now above its high and, if allowed, reclaims toward it. */
  private void overHigh(MemoryState s, int region, boolean mayReclaim) {
    boolean nested = CURRENT.get() != null;
    for (MemoryState h = s; h != null; h = h.parent()) {
      PageCounter c = h.counter(region);
      long over = c.usage() - c.high();
      if (over > 0) {
        h.count(region, MemoryEvent.HIGH);
        if (mayReclaim && !nested) {
          s.pressure().change(+1, 0); // the charging client stalls while it reclaims (mem_cgroup_handle_over_high)
          try {
            reclaim(h, region, over);
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
  void setMax(MemoryState s, int region, long bytes, boolean nonBlocking) {
    PageCounter c = s.counter(region);
    c.setMax(bytes);
    // stocked bytes below count against the new limit; give them back before reclaiming for them
    stocks.drain(c);
    if (!nonBlocking && reclaimToward(s, region, bytes)) {
      s.count(region, MemoryEvent.OOM);
    }
  }

  /** Stores a new high, then unless {@code nonBlocking} reclaims toward it (bounded). */
  void setHigh(MemoryState s, int region, long bytes, boolean nonBlocking) {
    PageCounter c = s.counter(region);
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
      reclaimToward(s, region, bytes);
    }
  }

  /** @return true if usage is still above {@code target} */
  private boolean reclaimToward(MemoryState s, int region, long target) {
    PageCounter c = s.counter(region);
    for (int i = 0; i < MAX_RECLAIM_RETRIES && c.usage() > target; i++) {
      if (reclaim(s, region, c.usage() - target) == 0) {
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
      throw removed(cgroup, region, bytes);
    }
    try {
      return cgroup.state(key);
    } catch (CgroupException e) {
      if (cgroup.online()) {
        throw e;
      }
      throw removed(cgroup, region, bytes);
    }
  }

  private CgroupException removed(CgroupHandle cgroup, int region, long bytes) {
    return CgroupException.of(Errno.ENOENT, "%s: cannot charge %d bytes of %s to %s: the cgroup was removed",
        device, bytes, regions[region].name(), cgroup.path());
  }

  private void checkSize(int region, long bytes) {
    if (region < 0 || region >= regions.length) {
      throw CgroupException.of(Errno.EINVAL, "%s: no memory region with index %d (the device has %d)", device, region, regions.length);
    }
    if (bytes < 0) {
      throw CgroupException.of(Errno.EINVAL, "%s: negative size %d for region %s", device, bytes, regions[region].name());
    }
  }

  private void checkBound() {
    if (!bound) {
      throw CgroupException.of(Errno.ENODEV, "device %s was unregistered", device);
    }
  }

  @Override
  public String toString() {
    return "MemoryBinding[" + device + "]";
  }
}
