package io.cgdev.drm;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import io.cgdev.api.Task;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.EngineMask;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.ReclaimRequest;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.api.spi.TimeSharing;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DRM core's device (the kernel's {@code drm_device}): memory regions, engines, clients, GEM
 * objects, TTM-like eviction and a drm_sched-like engine scheduler on a simulated clock.
 *
 * <p>Life cycle: construct, {@link #register} (with {@link DriverFeature#DRIVER_CGROUPS} this
 * registers with the cgroup framework: memory over the regions, cpu and cpuset over the engines,
 * only the controllers present), {@link #open} clients, ..., {@link #unplug} once every object is
 * released. Thread-safe: one re-entrant device lock serialises the device; the memory controller
 * may call the device's reclaimer on the same thread from inside a charge.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public class DrmDevice {
  private static final Logger LOG = LoggerFactory.getLogger(DrmDevice.class);
  /** The scheduler's timeslice: a running batch is preempted after it. */
  public static final long TIMESLICE_NANOS = 1_000_000;

  /**
   * One registration with the cgroup framework: its name and the regions and engines it offers.
   * Memory governs its regions; cpu and cpuset govern its engines (cpuset also its regions).
   */
  public record Registration(String name, List<String> regions, boolean engines) {
    public Registration {
      regions = List.copyOf(regions);
    }
  }

  /**
   * What a device is made of.
   *
   * @param name the device name, e.g. {@code i915.0}
   * @param pdev the PCI address, e.g. {@code 0000:00:02.0}
   * @param regions memory regions; the first {@link MemoryRegion.Kind#SYSTEM} one is the eviction
   *     target
   * @param engines engines; their index is the number cpuset uses
   * @param defaultPlacement region names used when a create names none
   * @param registrations how the device registers: the first holds the engines; empty means one
   *     registration under the device name with everything
   */
  public record Config(
      String name,
      String pdev,
      List<MemoryRegion> regions,
      List<EngineSpec> engines,
      List<String> defaultPlacement,
      List<Registration> registrations) {
    public Config {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(pdev, "pdev");
      regions = List.copyOf(regions);
      engines = List.copyOf(engines);
      defaultPlacement = List.copyOf(defaultPlacement);
      registrations = registrations.isEmpty()
          ? List.of(new Registration(name, regions.stream().map(MemoryRegion::name).toList(), true))
          : List.copyOf(registrations);
    }
  }

  record RegionCharge(MemoryCharging charging, int index) {}

  static final class Batch {
    final DrmFile file;
    final String engineClass;
    long remaining;
    final List<GemObject> objects;

    Batch(DrmFile file, String engineClass, long remaining, List<GemObject> objects) {
      this.file = file;
      this.engineClass = engineClass;
      this.remaining = remaining;
      this.objects = objects;
    }
  }

  static final class Engine {
    final int index;
    final EngineSpec spec;
    Batch running;
    long sliceEnd;
    long accountedUntil;
    long rrLast;

    Engine(int index, EngineSpec spec) {
      this.index = index;
      this.spec = spec;
    }
  }

  private enum State { NEW, REGISTERED, UNPLUGGED }

  final Object lock = new Object();
  private final DrmDriver driver;
  private final Config config;
  private final SimClock clock = new SimClock();
  private final Map<String, MemoryRegion> regions = new LinkedHashMap<>();
  private final MemoryRegion systemRegion;
  private final List<Engine> engines = new ArrayList<>();
  private final Map<String, List<Engine>> enginesByClass = new LinkedHashMap<>();
  private final Map<String, RegionCharge> charges = new LinkedHashMap<>();
  private final Map<String, Integer> maskRegionIndex = new LinkedHashMap<>();
  private final List<DeviceRegistration> registrations = new ArrayList<>();
  private final LinkedHashMap<Long, DrmFile> files = new LinkedHashMap<>();
  private final Set<GemObject> objects = new LinkedHashSet<>();
  private final IdentityHashMap<TimeSharing.Client, DrmFile> byClient = new IdentityHashMap<>();
  private DriverContext context;
  private TimeSharing timeSharing;
  private EngineMask engineMask;
  private AutoCloseable maskSubscription;
  private volatile boolean masksDirty;
  private volatile State state = State.NEW;
  private long nextClientId = 1;
  private long nextObjectId = 1;
  private Thread liveThread;
  private volatile boolean live;

  /** A device of a driver; not registered yet. */
  public DrmDevice(DrmDriver driver, Config config) {
    this.driver = Objects.requireNonNull(driver, "driver");
    this.config = config;
    MemoryRegion sys = null;
    for (MemoryRegion r : config.regions()) {
      regions.put(r.name(), r);
      if (sys == null && r.kind() == MemoryRegion.Kind.SYSTEM) {
        sys = r;
      }
    }
    this.systemRegion = sys;
    for (int i = 0; i < config.engines().size(); i++) {
      Engine e = new Engine(i, config.engines().get(i));
      engines.add(e);
      enginesByClass.computeIfAbsent(e.spec.engineClass(), c -> new ArrayList<>()).add(e);
    }
  }

  // ---------------------------------------------------------------- identity

  /** The device name, e.g. {@code i915.0}. */
  public String name() {
    return config.name();
  }

  /** The PCI address, fdinfo's {@code drm-pdev}. */
  public String pdev() {
    return config.pdev();
  }

  /** The driver. */
  public DrmDriver driver() {
    return driver;
  }

  /** The regions, as registered. */
  public List<RegionSpec> regions() {
    return config.regions().stream().map(r -> new RegionSpec(r.name(), r.capacity(), r.pageSize())).toList();
  }

  /** The engines; an engine's index is its cpuset number. */
  public List<EngineSpec> engines() {
    return config.engines();
  }

  /** The engine classes, in engine order, e.g. {@code render, copy, video}. */
  public List<String> engineClasses() {
    return List.copyOf(enginesByClass.keySet());
  }

  /** The device's clock: simulated device time in nanoseconds. */
  public SimClock clock() {
    return clock;
  }

  /** Device time now, in nanoseconds. */
  public long now() {
    return clock.nanoTime();
  }

  /** The registrations made with the cgroup framework (empty without {@code DRIVER_CGROUPS}). */
  public List<DeviceRegistration> registrations() {
    synchronized (lock) {
      return List.copyOf(registrations);
    }
  }

  /** True between {@link #register} and {@link #unplug}. */
  public boolean registered() {
    return state == State.REGISTERED;
  }

  boolean unplugged() {
    return state == State.UNPLUGGED;
  }

  /** Whether GEM memory is charged (DRIVER_CGROUPS and a memory controller). */
  public boolean charging() {
    synchronized (lock) {
      return !charges.isEmpty();
    }
  }

  // ---------------------------------------------------------------- registration

  /**
   * Registers the device (the kernel's {@code drm_dev_register}). With {@link
   * DriverFeature#DRIVER_CGROUPS}, registers each of the config's registrations with the
   * controllers the driver offers that are present ({@link DriverContext#controllers()}); a
   * registration for which none is present is skipped. Call without holding locks of your own: it
   * takes the hierarchy lock.
   *
   * @throws CgroupException {@code EBUSY} if already registered, {@code ENODEV} after unplug, or
   *     the framework's refusal (then nothing stays registered)
   */
  public void register(DriverContext ctx) {
    Objects.requireNonNull(ctx, "ctx");
    synchronized (lock) {
      if (state != State.NEW) {
        throw CgroupException.of(state == State.UNPLUGGED ? Errno.ENODEV : Errno.EBUSY,
            "device %s is already %s", name(), state == State.UNPLUGGED ? "unplugged" : "registered");
      }
      context = ctx;
    }
    List<DeviceRegistration> done = new ArrayList<>();
    if (driver.hasFeature(DriverFeature.DRIVER_CGROUPS)) {
      Set<String> present = ctx.controllers();
      try {
        for (Registration r : config.registrations()) {
          DeviceSpec spec = spec(r, present);
          if (spec != null) {
            done.add(ctx.register(spec));
          }
        }
      } catch (RuntimeException e) {
        for (int i = done.size() - 1; i >= 0; i--) {
          try {
            done.get(i).unregister();
          } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        synchronized (lock) {
          context = null;
        }
        throw e;
      }
    }
    synchronized (lock) {
      registrations.addAll(done);
      bindCapabilities();
      state = State.REGISTERED;
    }
    if (engineMask != null) {
      maskSubscription = engineMask.onChange(cg -> masksDirty = true);
    }
    LOG.debug("registered {} ({} registrations with the cgroup framework)", name(), done.size());
  }

  private DeviceSpec spec(Registration r, Set<String> present) {
    Set<String> wanted = new LinkedHashSet<>();
    Set<String> offered = driver.controllers();
    if (!r.regions().isEmpty() && offered.contains(DrmDriver.MEMORY)) {
      wanted.add(DrmDriver.MEMORY);
    }
    if (r.engines() && !engines.isEmpty()) {
      for (String c : List.of(DrmDriver.CPU, DrmDriver.CPUSET)) {
        if (offered.contains(c)) {
          wanted.add(c);
        }
      }
    }
    wanted.retainAll(present);
    if (wanted.isEmpty()) {
      return null;
    }
    DeviceSpec.Builder b = DeviceSpec.builder(r.name(), driver.name())
        .controllers(wanted.toArray(String[]::new))
        .reclaimer(this::reclaim)
        .clock(clock)
        .attribute("pdev", pdev());
    for (String name : r.regions()) {
      MemoryRegion m = regions.get(name);
      if (m == null) {
        throw CgroupException.of(Errno.EINVAL, "device %s: registration %s names unknown region %s", name(), r.name(), name);
      }
      b.region(new RegionSpec(m.name(), m.capacity(), m.pageSize()));
    }
    if (r.engines()) {
      config.engines().forEach(b::engine);
    }
    return b.build();
  }

  private void bindCapabilities() {
    for (DeviceRegistration reg : registrations) {
      List<RegionSpec> regs = reg.spec().regions();
      reg.capability(MemoryCharging.class).ifPresent(mc -> {
        for (RegionSpec rs : regs) {
          charges.put(rs.name(), new RegionCharge(mc, mc.region(rs.name())));
        }
      });
      if (!reg.spec().engines().isEmpty()) {
        timeSharing = reg.capability(TimeSharing.class).orElse(null);
        engineMask = reg.capability(EngineMask.class).orElse(null);
        for (int i = 0; i < regs.size(); i++) {
          maskRegionIndex.put(regs.get(i).name(), i);
        }
      }
    }
  }

  /**
   * Unplugs the device (the kernel's {@code drm_dev_unplug}): refused while GEM objects live; then
   * stops live mode, closes every client and unregisters from the cgroup framework, which removes
   * the per-device files. Later calls on its clients fail with {@code ENODEV}.
   *
   * @throws CgroupException {@code EBUSY} naming the live objects (nothing changes), {@code ENODEV}
   *     if not registered
   */
  public void unplug() {
    checkUnpluggable();
    stopLive();
    List<DeviceRegistration> regs;
    synchronized (lock) {
      checkUnpluggable();
      for (DrmFile f : List.copyOf(files.values())) {
        closeFile(f);
      }
      state = State.UNPLUGGED;
      regs = List.copyOf(registrations);
      registrations.clear();
      charges.clear();
      timeSharing = null;
      engineMask = null;
    }
    if (maskSubscription != null) {
      try {
        maskSubscription.close();
      } catch (Exception e) {
        LOG.warn("{}: closing the cpuset subscription failed", name(), e);
      }
    }
    for (int i = regs.size() - 1; i >= 0; i--) {
      regs.get(i).unregister();
    }
  }

  private void checkUnpluggable() {
    synchronized (lock) {
      if (state != State.REGISTERED) {
        throw CgroupException.of(Errno.ENODEV, "device %s is not registered", name());
      }
      if (!objects.isEmpty()) {
        throw CgroupException.of(Errno.EBUSY, "cannot unplug %s: %d GEM objects still live (%d bytes)",
            name(), objects.size(), objects.stream().mapToLong(GemObject::size).sum());
      }
    }
  }

  // ---------------------------------------------------------------- clients

  /**
   * Opens a client for a task.
   *
   * @throws CgroupException {@code ENODEV} if the device is not registered
   */
  public DrmFile open(Task task) {
    Objects.requireNonNull(task, "task");
    synchronized (lock) {
      checkRegistered();
      DrmFile f = new DrmFile(this, nextClientId++, task, engines.size());
      files.put(f.clientId(), f);
      return f;
    }
  }

  /** The open clients, by client id. */
  public List<DrmFile> clients() {
    synchronized (lock) {
      return List.copyOf(files.values());
    }
  }

  private void checkRegistered() {
    if (state != State.REGISTERED) {
      throw CgroupException.of(Errno.ENODEV, "device %s is %s", name(), state == State.NEW ? "not registered" : "unplugged");
    }
  }

  void closeFile(DrmFile f) {
    synchronized (lock) {
      if (!f.open) {
        return;
      }
      for (Engine e : engines) {
        if (e.running != null && e.running.file == f) {
          account(e, now());
          finish(e.running);
          e.running = null;
        }
      }
      for (ArrayDeque<Batch> q : f.queues.values()) {
        for (Batch b : q) {
          finish(b);
        }
        q.clear();
      }
      closeClient(f);
      for (GemObject o : List.copyOf(f.handles.values())) {
        o.handleCount--;
        unref(o);
      }
      f.handles.clear();
      f.open = false;
      files.remove(f.clientId());
    }
  }

  private CgroupHandle cgroupOf(Task task) {
    DriverContext ctx;
    synchronized (lock) {
      ctx = context;
    }
    // outside the device lock: the lookup may take the hierarchy lock, and a limit write holding
    // that lock may be waiting for our lock in the reclaimer
    return ctx == null || registrations.isEmpty() ? null : ctx.cgroupOf(task);
  }

  // ---------------------------------------------------------------- GEM

  int createGem(DrmFile file, long size, String... placementNames) {
    if (size <= 0) {
      throw CgroupException.of(Errno.EINVAL, "%s: GEM size must be positive, got %d", name(), size);
    }
    List<MemoryRegion> placements = placements(placementNames);
    CgroupHandle cg = cgroupOf(file.task());
    synchronized (lock) {
      file.checkOpen();
      checkRegistered();
      long pageSize = placements.stream().mapToLong(MemoryRegion::pageSize).max().orElse(4096);
      long aligned = CountingAllocator.roundUp(size, pageSize);
      GemObject obj = new GemObject(this, nextObjectId++, aligned, placements, cg);
      String why = "";
      for (MemoryRegion r : placements) {
        Integer mi = maskRegionIndex.get(r.name());
        if (engineMask != null && cg != null && mi != null && !engineMask.allowsRegion(cg, mi)) {
          why = why + " " + r.name() + ": not in cpuset.mems.effective of " + cg.path() + ";";
          continue;
        }
        String failure = place(obj, r, cg);
        if (failure == null) {
          objects.add(obj);
          return file.addHandle(obj);
        }
        r.failedAllocations++;
        why = why + " " + r.name() + ": " + failure + ";";
      }
      throw CgroupException.of(Errno.ENOSPC, "%s: cannot place a GEM object of %d bytes for %s:%s",
          name(), aligned, file.task().name(), why);
    }
  }

  private List<MemoryRegion> placements(String... names) {
    List<String> list = names == null || names.length == 0 ? config.defaultPlacement() : List.of(names);
    if (list.isEmpty()) {
      list = List.copyOf(regions.keySet());
    }
    List<MemoryRegion> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String n : list) {
      MemoryRegion r = regions.get(n);
      if (r == null || !seen.add(n)) {
        throw CgroupException.of(Errno.EINVAL, "%s: %s region '%s' in placement list %s (regions: %s)",
            name(), r == null ? "unknown" : "repeated", n, list, regions.keySet());
      }
      out.add(r);
    }
    return List.copyOf(out);
  }

  /** Charges then allocates {@code obj} in {@code r}; null on success, else why not (nothing held). */
  private String place(GemObject obj, MemoryRegion r, CgroupHandle cg) {
    RegionCharge rc = cg == null ? null : charges.get(r.name());
    if (rc != null) {
      try {
        rc.charging().charge(cg, rc.index(), obj.size()); // may call reclaim() on this thread
      } catch (CgroupException e) {
        if (e.errno() == Errno.ENOSPC || e.errno() == Errno.ENOMEM) {
          return "charge refused (" + e.getMessage() + ")";
        }
        throw e;
      }
    }
    List<RegionAllocator.Block> blocks = r.allocator().allocate(obj.size());
    for (int attempt = 0; blocks.isEmpty() && attempt < 3; attempt++) {
      long freed = rc != null
          ? rc.charging().reclaim(context.root(), rc.index(), obj.size())
          : evict(r, obj.size(), null, owner -> true);
      if (freed == 0) {
        break;
      }
      blocks = r.allocator().allocate(obj.size());
    }
    if (blocks.isEmpty()) {
      if (rc != null) {
        rc.charging().uncharge(cg, rc.index(), obj.size());
      }
      return "no room in the allocator (" + r.allocator().avail() + " bytes free, largest block "
          + r.allocator().largestFree() + ")";
    }
    obj.region = r;
    obj.blocks = blocks;
    obj.charged = rc != null;
    obj.refcount = 0;
    r.lru.add(obj);
    return null;
  }

  void unref(GemObject o) {
    synchronized (lock) {
      if (--o.refcount > 0) {
        return;
      }
      o.freed = true;
      objects.remove(o);
      o.region.lru.remove(o);
      o.region.allocator().free(o.blocks);
      if (o.charged) {
        RegionCharge rc = charges.get(o.region.name());
        if (rc != null) {
          rc.charging().uncharge(o.owner(), rc.index(), o.size());
        }
        o.charged = false;
      }
    }
  }

  /** The reclaimer handed to the memory controller: evicts from the requested region. */
  private long reclaim(ReclaimRequest request) {
    synchronized (lock) {
      MemoryRegion r = regions.get(request.region());
      if (r == null || state == State.UNPLUGGED) {
        return 0;
      }
      return evict(r, request.bytes(), request.scope(), request::mayEvict);
    }
  }

  /**
   * Moves idle (neither pinned nor active) objects of {@code r}, least recently used first, to the
   * system region until {@code bytes} are freed; only objects charged below {@code scope} (null:
   * any) whose owner {@code mayEvict} accepts. The charge follows the object: uncharged from
   * {@code r}, charged (without reclaim, so no recursion) to the system region.
   */
  private long evict(MemoryRegion r, long bytes, CgroupHandle scope, Predicate<CgroupHandle> mayEvict) {
    MemoryRegion target = systemRegion;
    if (target == null || r == target) {
      return 0;
    }
    long freed = 0;
    for (GemObject o : r.lruSnapshot()) {
      if (freed >= bytes) {
        break;
      }
      if (o.pinCount > 0 || o.activeCount > 0 || o.region != r) {
        continue;
      }
      CgroupHandle owner = o.owner();
      if (o.charged && ((scope != null && !owner.isDescendantOf(scope)) || !mayEvict.test(owner))) {
        continue;
      }
      List<RegionAllocator.Block> blocks = target.allocator().allocate(o.size());
      if (blocks.isEmpty()) {
        continue;
      }
      RegionCharge to = o.charged ? charges.get(target.name()) : null;
      if (to != null && to.charging().tryCharge(owner, to.index(), o.size()) != null) {
        target.allocator().free(blocks);
        continue;
      }
      r.allocator().free(o.blocks);
      if (o.charged) {
        RegionCharge from = charges.get(r.name());
        if (from != null) {
          from.charging().uncharge(owner, from.index(), o.size());
        }
      }
      o.charged = to != null;
      o.region = target;
      o.blocks = blocks;
      o.evictions++;
      r.lru.remove(o);
      target.lru.add(o);
      r.evictions++;
      r.evictedBytes += o.size();
      freed += o.size();
    }
    return freed;
  }

  /** Per-region allocator and eviction stats. */
  public List<RegionStats> memoryStats() {
    synchronized (lock) {
      return regions.values().stream().map(MemoryRegion::stats).toList();
    }
  }

  /** The live GEM objects of the device. */
  public List<GemObject> objects() {
    synchronized (lock) {
      return List.copyOf(objects);
    }
  }

  // ---------------------------------------------------------------- execution

  /**
   * Queues a batch of modelled duration on an engine class for a client. It runs on an engine of
   * that class that the client's cgroup may use (cpuset), when the scheduler (cpu controller's
   * {@link TimeSharing}, else round-robin) picks the client. Objects named by {@code handles} are
   * active (not evictable) until the batch completes.
   *
   * @throws CgroupException {@code EINVAL} for an unknown class or a duration below 1, {@code
   *     ENOENT} for an unknown handle, {@code EBADF}/{@code ENODEV} for a closed client or device
   */
  public void submit(DrmFile client, String engineClass, long durationNanos, int... handles) {
    if (durationNanos <= 0) {
      throw CgroupException.of(Errno.EINVAL, "%s: batch duration must be positive, got %d", name(), durationNanos);
    }
    if (!enginesByClass.containsKey(engineClass)) {
      throw CgroupException.of(Errno.EINVAL, "%s: unknown engine class '%s' (classes: %s)", name(), engineClass, enginesByClass.keySet());
    }
    CgroupHandle cg = cgroupOf(client.task());
    synchronized (lock) {
      client.checkOpen();
      checkRegistered();
      List<GemObject> used = new ArrayList<>();
      for (int h : handles) {
        used.add(client.object(h));
      }
      for (GemObject o : used) {
        o.refcount++;
        o.activeCount++;
        if (o.region.lru.remove(o)) {
          o.region.lru.add(o); // touched: most recently used
        }
      }
      bindScheduler(client, cg);
      client.queues.computeIfAbsent(engineClass, c -> new ArrayDeque<>())
          .add(new Batch(client, engineClass, durationNanos, used));
      updateRunnable(client, engineClass);
    }
  }

  /** Opens (or reopens, after the task moved) the client's scheduling entity in its cgroup. */
  private void bindScheduler(DrmFile f, CgroupHandle cg) {
    if (f.schedCgroup == cg && (f.client != null || timeSharing == null)) {
      return;
    }
    closeClient(f);
    f.schedCgroup = cg;
    if (timeSharing != null && cg != null) {
      f.client = timeSharing.open(cg, "drm-client-" + f.clientId());
      byClient.put(f.client, f);
    }
    for (String c : f.queues.keySet()) {
      updateRunnable(f, c);
    }
  }

  private void closeClient(DrmFile f) {
    if (f.client != null) {
      byClient.remove(f.client);
      f.client.close();
      f.client = null;
    }
    java.util.Arrays.fill(f.runnable, false);
  }

  private boolean allowed(DrmFile f, int engine) {
    return engineMask == null || f.schedCgroup == null || engineMask.allowsEngine(f.schedCgroup, engine);
  }

  private void updateRunnable(DrmFile f, String engineClass) {
    ArrayDeque<Batch> q = f.queues.get(engineClass);
    boolean work = q != null && !q.isEmpty();
    for (Engine e : enginesByClass.get(engineClass)) {
      boolean want = work && allowed(f, e.index);
      if (f.runnable[e.index] != want) {
        f.runnable[e.index] = want;
        if (f.client != null) {
          f.client.setRunnable(e.index, want);
        }
      }
    }
  }

  /**
   * Advances device time by {@code nanos}, running queued batches: each free engine takes the next
   * client, runs its batch for up to a {@link #TIMESLICE_NANOS timeslice} and reports the time
   * ({@code cpu.stat} and fdinfo grow). Idle gaps (nothing runnable, groups throttled) are skipped.
   *
   * @throws CgroupException {@code EINVAL} for a negative step, {@code ENODEV} after unplug
   */
  public void runFor(long nanos) {
    if (nanos < 0) {
      throw CgroupException.of(Errno.EINVAL, "%s: runFor needs a non-negative time, got %d", name(), nanos);
    }
    synchronized (lock) {
      checkRegistered();
      long end = now() + nanos;
      while (true) {
        if (masksDirty) {
          masksDirty = false;
          for (DrmFile f : files.values()) {
            for (String c : f.queues.keySet()) {
              updateRunnable(f, c);
            }
          }
        }
        long now = now();
        for (Engine e : engines) {
          if (e.running == null) {
            dispatch(e, now);
          }
        }
        long next = Long.MAX_VALUE;
        for (Engine e : engines) {
          if (e.running != null) {
            next = Math.min(next, e.sliceEnd);
          }
        }
        if (next == Long.MAX_VALUE) {
          long wake = timeSharing == null ? Long.MAX_VALUE : timeSharing.nextUnthrottle();
          if (wake > now && wake < end) {
            clock.advanceTo(wake);
            continue;
          }
          clock.advanceTo(end);
          return;
        }
        if (next > end) {
          for (Engine e : engines) {
            if (e.running != null) {
              account(e, end);
            }
          }
          clock.advanceTo(end);
          return;
        }
        clock.advanceTo(next);
        for (Engine e : engines) {
          if (e.running != null && e.sliceEnd == next) {
            account(e, next);
            Batch b = e.running;
            e.running = null;
            if (b.remaining <= 0) {
              b.file.queues.get(b.engineClass).remove(b);
              finish(b);
            } else {
              b.file.queues.get(b.engineClass).addFirst(b); // preempted at the slice end
            }
            updateRunnable(b.file, b.engineClass);
          }
        }
      }
    }
  }

  private void dispatch(Engine e, long now) {
    String cls = e.spec.engineClass();
    for (int tries = 0; tries <= files.size(); tries++) {
      DrmFile f = pick(e);
      if (f == null) {
        return;
      }
      ArrayDeque<Batch> q = f.queues.get(cls);
      if (q == null || q.isEmpty() || !allowed(f, e.index)) {
        updateRunnable(f, cls); // out of step: fix and pick again
        if (f.client != null && f.runnable[e.index]) {
          return;
        }
        continue;
      }
      Batch b = q.pollFirst();
      e.running = b;
      e.accountedUntil = now;
      e.sliceEnd = now + Math.min(TIMESLICE_NANOS, b.remaining);
      updateRunnable(f, cls);
      return;
    }
  }

  private DrmFile pick(Engine e) {
    if (timeSharing != null) {
      TimeSharing.Client c = timeSharing.pickNext(e.index);
      if (c != null) {
        DrmFile f = byClient.get(c);
        if (f != null) {
          return f;
        }
      }
      // clients without a scheduling entity (no cgroup) fall through to round-robin
    }
    String cls = e.spec.engineClass();
    DrmFile first = null;
    for (DrmFile f : files.values()) {
      if (f.client != null && timeSharing != null) {
        continue;
      }
      ArrayDeque<Batch> q = f.queues.get(cls);
      if (q == null || q.isEmpty() || !allowed(f, e.index)) {
        continue;
      }
      if (first == null) {
        first = f;
      }
      if (f.clientId() > e.rrLast) {
        e.rrLast = f.clientId();
        return f;
      }
    }
    if (first != null) {
      e.rrLast = first.clientId();
    }
    return first;
  }

  private void account(Engine e, long until) {
    long delta = until - e.accountedUntil;
    if (delta <= 0) {
      return;
    }
    Batch b = e.running;
    e.accountedUntil = until;
    b.remaining -= delta;
    b.file.runtime[e.index] += delta;
    if (b.file.client != null) {
      b.file.client.ran(e.index, delta);
    }
  }

  private void finish(Batch b) {
    for (GemObject o : b.objects) {
      o.activeCount--;
      unref(o);
    }
  }

  /**
   * Runs the scheduler in real time on a background thread: every millisecond it advances device
   * time by the real time that passed. Idempotent.
   */
  public void startLive() {
    synchronized (lock) {
      checkRegistered();
      if (liveThread != null) {
        return;
      }
      live = true;
      liveThread = Thread.ofPlatform().daemon().name("drm-live-" + name()).start(this::liveLoop);
    }
  }

  private void liveLoop() {
    long last = System.nanoTime();
    while (live) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      long t = System.nanoTime();
      try {
        runFor(t - last);
      } catch (CgroupException e) {
        LOG.warn("{}: live loop stopped: {}", name(), e.toString());
        return;
      }
      last = t;
    }
  }

  /** Stops the live thread and waits for it; idempotent. */
  public void stopLive() {
    Thread t;
    synchronized (lock) {
      t = liveThread;
      liveThread = null;
      live = false;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Whether live mode runs. */
  public boolean isLive() {
    return live;
  }

  // ---------------------------------------------------------------- stats

  long runtime(DrmFile f, String engineClass) {
    synchronized (lock) {
      long sum = 0;
      for (Engine e : enginesByClass.getOrDefault(engineClass, List.of())) {
        sum += f.runtime[e.index];
      }
      return sum;
    }
  }

  long runtimeOn(DrmFile f, String engine) {
    synchronized (lock) {
      for (Engine e : engines) {
        if (e.spec.name().equals(engine)) {
          return f.runtime[e.index];
        }
      }
      return 0;
    }
  }

  String fdinfo(DrmFile f) {
    synchronized (lock) {
      f.checkOpen();
      StringBuilder sb = new StringBuilder();
      line(sb, "drm-driver", driver.name());
      line(sb, "drm-client-id", Long.toString(f.clientId()));
      line(sb, "drm-pdev", pdev());
      for (Map.Entry<String, List<Engine>> c : enginesByClass.entrySet()) {
        long ns = 0;
        for (Engine e : c.getValue()) {
          ns += f.runtime[e.index];
        }
        line(sb, "drm-engine-" + c.getKey(), ns + " ns");
        if (c.getValue().size() > 1) {
          line(sb, "drm-engine-capacity-" + c.getKey(), Integer.toString(c.getValue().size()));
        }
      }
      Map<String, long[]> mem = new LinkedHashMap<>();
      for (String r : regions.keySet()) {
        mem.put(r, new long[4]);
      }
      for (GemObject o : new LinkedHashSet<>(f.handles.values())) {
        long[] m = mem.get(o.region.name());
        m[0] += o.size();
        if (o.handleCount > 1) {
          m[1] += o.size();
        }
        m[2] += o.size(); // every placed object is resident in its region
        if (o.activeCount > 0) {
          m[3] += o.size();
        }
      }
      String[] keys = {"total", "shared", "resident", "active"};
      for (int k = 0; k < keys.length; k++) {
        for (Map.Entry<String, long[]> m : mem.entrySet()) {
          line(sb, "drm-" + keys[k] + "-" + m.getKey(), size(m.getValue()[k]));
        }
      }
      return sb.toString();
    }
  }

  private static void line(StringBuilder sb, String key, String value) {
    sb.append(key).append(":\t").append(value).append('\n');
  }

  /** As the kernel prints sizes: the largest of B, KiB, MiB that divides the value exactly. */
  static String size(long bytes) {
    String[] units = {"", " KiB", " MiB"};
    int u = 0;
    while (u < units.length - 1 && bytes != 0 && bytes % 1024 == 0) {
      bytes /= 1024;
      u++;
    }
    return bytes + units[u];
  }

  @Override
  public String toString() {
    return name() + " (" + driver.name() + ", " + pdev() + ")";
  }
}
