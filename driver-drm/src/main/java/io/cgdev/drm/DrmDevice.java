package io.cgdev.drm;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import io.cgdev.api.Task;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.api.spi.TaskObserver;
import io.cgdev.drm.sim.EngineScheduler;
import io.cgdev.drm.sim.LiveRunner;
import io.cgdev.drm.sim.SimClock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DRM core's device (the kernel's {@code drm_device}): memory regions, engines, clients, GEM
 * objects, TTM-like eviction and a drm_sched-like engine scheduler on a simulated clock. A driver
 * configures a device with a {@link DeviceConfig} rather than extending this class.
 *
 * <p>Life cycle: construct, {@link #register} (with {@link DriverFeature#DRIVER_CGROUPS} this
 * registers with the cgroup framework: memory over the regions, cpu and cpuset over the engines,
 * only the controllers present), {@link #open} clients, ..., {@link #unplug} once every object is
 * released.
 *
 * <p>This class keeps the device's life-cycle state and its clients, checks arguments and state,
 * and hands the work to parts named after the kernel's, wired here once: the {@code CgroupLink}
 * (registration with the cgroup framework and the capabilities it binds), {@code GemPlacement}
 * (TTM placement, charge then allocate, and freeing), {@code GemEvictor} (eviction, the memory
 * controller's reclaim hook) and {@code Fdinfo}; and the simulated hardware of {@code
 * io.cgdev.drm.sim}: the {@link EngineScheduler} (drm_sched: queues, 1 ms slices), the {@link
 * LiveRunner} and the {@link SimClock}. The parts know each other only through narrow ports
 * ({@code ChargingPort}, {@code EvictionPort}, {@code GemRefs}, {@link
 * io.cgdev.drm.sim.EnginePolicy}), never this class.
 *
 * <p>Thread-safe: one re-entrant device lock serialises the device, charging and allocation
 * included; the memory controller may call the device's reclaimer on the same thread from inside a
 * charge. Calls into the cgroup framework that may take its hierarchy lock (register, unregister,
 * looking up a task's cgroup) are made outside the device lock.
 *
 * <p><b>Frozen and killed tasks</b> ({@code cgroup.freeze}, {@code cgroup.kill}; the framework tells
 * the device through a {@link TaskObserver}, under its hierarchy lock): a frozen task's clients are
 * runnable on no engine — a running batch stops at once, queued ones wait, no device time accrues —
 * while its buffers stay charged and, when idle, evictable; a killed task's clients are closed as the
 * kernel closes a dying process's files: queued batches dropped, handles closed, buffers freed and
 * uncharged unless another client still holds them.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class DrmDevice {
  private static final Logger LOG = LoggerFactory.getLogger(DrmDevice.class);
  /** The scheduler's timeslice: a running batch is preempted after it. */
  public static final long TIMESLICE_NANOS = EngineScheduler.TIMESLICE_NANOS;

  private enum State { NEW, REGISTERED, UNPLUGGED }

  /**
   * The device lock: guards every mutable field of the device, its clients, objects, regions and
   * scheduler. Re-entrant (a monitor), because a charge made under it may call the reclaimer, which
   * takes it again on the same thread.
   */
  final Object lock = new Object();
  private final DrmDriver driver;
  private final DeviceConfig config;
  private final SimClock clock = new SimClock();
  private final Map<String, MemoryRegion> regions;
  private final CgroupLink cgroups;
  private final GemEvictor evictor;
  private final GemPlacement gem;
  private final EngineScheduler scheduler;
  private final LiveRunner live;
  private final LinkedHashMap<Long, DrmFile> files = new LinkedHashMap<>();
  /** Pids of the tasks frozen now ({@code cgroup.freeze}); guarded by the device lock. */
  private final Set<Integer> frozenTasks = new HashSet<>();
  private volatile State state = State.NEW;
  private long nextClientId = 1;

  /** A device of a driver, made as {@code config} says; not registered yet. */
  public DrmDevice(DrmDriver driver, DeviceConfig config) {
    this.driver = Objects.requireNonNull(driver, "driver");
    this.config = Objects.requireNonNull(config, "config");
    Map<String, MemoryRegion> byName = new LinkedHashMap<>();
    for (MemoryRegion r : config.regions()) {
      byName.put(r.name(), r);
    }
    this.regions = Collections.unmodifiableMap(byName);
    Residencies residency = Residencies.forRegions(config.regions());
    // DeviceConfig's contract: the first system region is where evicted objects go
    MemoryRegion evictionTarget = config.regions().stream()
        .filter(r -> r.kind() == MemoryRegion.Kind.SYSTEM).findFirst().orElse(null);
    this.cgroups = new CgroupLink(lock, driver, config, regions, clock);
    this.evictor = new GemEvictor(lock, residency, evictionTarget, cgroups);
    this.gem = new GemPlacement(lock, config.name(), regions, config.defaultPlacement(), residency, cgroups, evictor);
    this.scheduler = new EngineScheduler(lock, config.name(), config.engines(), clock, cgroups);
    this.live = new LiveRunner(lock, config.name());
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

  /** What the device was made of. */
  public DeviceConfig config() {
    return config;
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
    return scheduler.engineClasses();
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
      return cgroups.registrations();
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
      return cgroups.charging();
    }
  }

  // ---------------------------------------------------------------- registration

  /**
   * Registers the device (the kernel's {@code drm_dev_register}). With {@link
   * DriverFeature#DRIVER_CGROUPS}, registers each of the config's cgroup devices with the
   * controllers the driver offers that are present ({@link DriverContext#controllers()}); one for
   * which none is present is skipped. Call without holding locks of your own: it takes the
   * hierarchy lock.
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
      cgroups.attach(ctx);
    }
    List<DeviceRegistration> done = cgroups.registerAll(ctx, evictor); // outside: hierarchy lock
    synchronized (lock) {
      cgroups.bind(done);
      state = State.REGISTERED;
    }
    cgroups.subscribeMasks();
    cgroups.subscribeTasks(ctx, new TaskObserver() {
      @Override
      public void frozen(Task task) {
        freezeTask(task, true);
      }

      @Override
      public void thawed(Task task) {
        freezeTask(task, false);
      }

      @Override
      public void killed(Task task) {
        killTask(task);
      }
    });
    LOG.debug("registered {} ({} registrations with the cgroup framework)", name(), done.size());
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
      evictor.unplug();
      regs = cgroups.unbind();
    }
    cgroups.unregisterAll(regs); // outside: hierarchy lock
  }

  private void checkUnpluggable() {
    synchronized (lock) {
      if (state != State.REGISTERED) {
        throw CgroupException.of(Errno.ENODEV, "device %s is not registered", name());
      }
      List<GemObject> live = gem.objects();
      if (!live.isEmpty()) {
        throw CgroupException.of(Errno.EBUSY, "cannot unplug %s: %d GEM objects still live (%d bytes)",
            name(), live.size(), live.stream().mapToLong(GemObject::size).sum());
      }
    }
  }

  private void checkRegistered() {
    if (state != State.REGISTERED) {
      throw CgroupException.of(Errno.ENODEV, "device %s is %s", name(), state == State.NEW ? "not registered" : "unplugged");
    }
  }

  // ---------------------------------------------------------------- clients

  /**
   * Opens a client for a task.
   *
   * @throws CgroupException {@code ENODEV} if the device is not registered, {@code ESRCH} if the task
   *     has exited (a dead process opens no file; its clients were closed when it was killed, and one
   *     opened after that would hold its buffers' charges for good)
   */
  public DrmFile open(Task task) {
    Objects.requireNonNull(task, "task");
    synchronized (lock) {
      checkRegistered();
      // checked under the device lock, which the kill's observer takes after the task is dead: a task
      // alive here has its clients closed by that observer, this one included
      if (!task.alive()) {
        throw CgroupException.of(Errno.ESRCH, "%s: cannot open a client for task %d: it has exited", name(), task.pid());
      }
      DrmFile f = new DrmFile(this, task, scheduler.open(nextClientId++));
      files.put(f.clientId(), f);
      if (frozenTasks.contains(task.pid())) {
        scheduler.freeze(f.entity, true);
      }
      return f;
    }
  }

  /** The task froze or thawed: its clients stop or resume competing for engines. */
  private void freezeTask(Task task, boolean frozen) {
    synchronized (lock) {
      if (frozen ? !frozenTasks.add(task.pid()) : !frozenTasks.remove(task.pid())) {
        return;
      }
      for (DrmFile f : files.values()) {
        if (f.task().pid() == task.pid()) {
          scheduler.freeze(f.entity, frozen);
        }
      }
    }
  }

  /** The task was killed: its clients close, as a dying process's files do. */
  private void killTask(Task task) {
    synchronized (lock) {
      frozenTasks.remove(task.pid());
      for (DrmFile f : List.copyOf(files.values())) {
        if (f.task().pid() == task.pid()) {
          closeFile(f);
        }
      }
    }
  }

  /** Whether the task of a client is frozen now. */
  boolean frozen(DrmFile f) {
    synchronized (lock) {
      return frozenTasks.contains(f.task().pid());
    }
  }

  /** The open clients, by client id. */
  public List<DrmFile> clients() {
    synchronized (lock) {
      return List.copyOf(files.values());
    }
  }

  void closeFile(DrmFile f) {
    synchronized (lock) {
      if (!f.open) {
        return;
      }
      scheduler.close(f.entity);
      f.closeHandles();
      f.open = false;
      files.remove(f.clientId());
    }
  }

  // ---------------------------------------------------------------- GEM

  int createGem(DrmFile file, long size, String... placementNames) {
    if (size <= 0) {
      throw CgroupException.of(Errno.EINVAL, "%s: GEM size must be positive, got %d", name(), size);
    }
    List<MemoryRegion> placements = gem.placementList(placementNames);
    return cgroups.inCgroupOf(file.task(), cg -> {
      file.checkOpen();
      checkRegistered();
      return file.addHandle(gem.create(file.task().name(), size, placements, cg));
    });
  }

  void migrateGem(DrmFile file, int handle, String regionName) {
    MemoryRegion to = gem.placementList(regionName).get(0);
    cgroups.inCgroupOf(file.task(), cg -> {
      file.checkOpen();
      checkRegistered();
      gem.migrate(file.object(handle), to, cg, evictor);
      return null;
    });
  }

  /** Drops a reference to an object (the kernel's {@code drm_gem_object_put}). */
  void unref(GemObject o) {
    synchronized (lock) {
      gem.put(o);
    }
  }

  /** Where handles, dma-bufs and batches drop their references. */
  GemRefs refs() {
    return gem;
  }

  /** Per-region allocator and eviction stats. */
  public List<RegionStats> memoryStats() {
    synchronized (lock) {
      return gem.stats();
    }
  }

  /** The live GEM objects of the device. */
  public List<GemObject> objects() {
    synchronized (lock) {
      return gem.objects();
    }
  }

  // ---------------------------------------------------------------- execution

  /**
   * Queues a batch of modelled duration on an engine class for a client. It runs on an engine of
   * that class that the client's cgroup may use (cpuset), when the scheduler (cpu controller's
   * {@link io.cgdev.api.spi.TimeSharing}, else round-robin) picks the client. Objects named by
   * {@code handles} are active (not evictable) until the batch completes.
   *
   * @throws CgroupException {@code EINVAL} for an unknown class or a duration below 1, {@code
   *     ENOENT} for an unknown handle, {@code EBADF}/{@code ENODEV} for a closed client or device
   */
  public void submit(DrmFile client, String engineClass, long durationNanos, int... handles) {
    if (durationNanos <= 0) {
      throw CgroupException.of(Errno.EINVAL, "%s: batch duration must be positive, got %d", name(), durationNanos);
    }
    scheduler.checkEngineClass(engineClass);
    cgroups.inCgroupOf(client.task(), cg -> {
      client.checkOpen();
      checkRegistered();
      List<GemObject> used = new ArrayList<>(handles.length); // a batch names few buffers: no room for ten
      for (int h : handles) {
        used.add(client.object(h));
      }
      Runnable release = gem.useInBatch(used);
      try {
        scheduler.submit(client.entity, cg, engineClass, durationNanos, release);
      } catch (RuntimeException e) {
        release.run(); // not queued: the objects go back to how they were
        throw e;
      }
      return null;
    });
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
      scheduler.run(nanos);
    }
  }

  /**
   * Runs the scheduler in real time on a background thread: every millisecond it advances device
   * time by the real time that passed. Idempotent.
   */
  public void startLive() {
    synchronized (lock) {
      checkRegistered();
      live.start(this::runFor);
    }
  }

  /** Stops the live thread and waits for it; idempotent. */
  public void stopLive() {
    live.stop();
  }

  /** Whether live mode runs. */
  public boolean isLive() {
    return live.isLive();
  }

  // ---------------------------------------------------------------- stats

  /** Lock-free: a client's backlog is read at every step of a simulated workload (see SchedEntity#runtimeByClass). */
  long runtime(DrmFile f, String engineClass) {
    return scheduler.runtime(f.entity, engineClass);
  }

  LongSupplier runtimeReader(DrmFile f, String engineClass) {
    return scheduler.runtimeReader(f.entity, engineClass);
  }

  /**
   * The clients whose device time ({@link DrmFile#runtime}) grew since the last call, each once, in
   * the order they first ran; the first call starts the recording and returns nothing. Closed clients
   * are left out. For a caller that revisits a client only when it ran (the simulator's event-stepped
   * streams): between two calls, the device time of every client not listed is unchanged.
   *
   * @throws CgroupException {@code ENODEV} after unplug
   */
  public List<DrmFile> takeClientsThatRan() {
    synchronized (lock) {
      checkRegistered();
      List<DrmFile> out = new ArrayList<>();
      scheduler.takeRan(s -> {
        DrmFile f = files.get(s.clientId());
        if (f != null) {
          out.add(f);
        }
      });
      return out;
    }
  }

  long runtimeOn(DrmFile f, String engine) {
    synchronized (lock) {
      return scheduler.runtimeOn(f.entity, engine);
    }
  }

  String fdinfo(DrmFile f) {
    synchronized (lock) {
      f.checkOpen();
      return Fdinfo.of(driver.name(), pdev(), f.clientId(), f.handles.values(), scheduler, f.entity, regions.keySet(),
          driver.fdinfoEngineClasses(scheduler.engineClasses()), driver.fdinfoMemoryStatus());
    }
  }

  @Override
  public String toString() {
    return name() + " (" + driver.name() + ", " + pdev() + ")";
  }
}
