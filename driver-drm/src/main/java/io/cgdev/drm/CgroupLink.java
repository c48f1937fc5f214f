package io.cgdev.drm;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Subscription;
import io.cgdev.api.Task;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceClock;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.EngineMask;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.Reclaimer;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.api.spi.TaskObserver;
import io.cgdev.api.spi.TimeSharing;
import io.cgdev.drm.sim.EnginePolicy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DRM device's link to the cgroup framework (the cgroup half of the kernel's {@code
 * drm_dev_register}, and {@code dmem_cgroup_register_region}): turns the config's {@link
 * DeviceConfig.CgroupDevice cgroup devices} into {@link DeviceSpec}s for the controllers the driver
 * offers and the hierarchy has, registers and unregisters them, and holds the capabilities they
 * return: a {@link RegionCharge} per memory region, {@link TimeSharing} and {@link EngineMask} for
 * the engines. It serves them to the rest of the device through two ports: {@link ChargingPort} for
 * GEM placement and eviction, {@link EnginePolicy} for the engine scheduler. Without {@link
 * DriverFeature#DRIVER_CGROUPS} it registers nothing and every capability stays absent.
 *
 * <p>Lock: the device lock guards the context, the registrations and the capabilities; methods
 * marked "under the device lock" expect the caller to hold it. {@link #registerAll}, {@link
 * #unregisterAll}, {@link #subscribeMasks} and the lookup in {@link #cgroupOf} call into the
 * framework, which takes its hierarchy lock, so they run <em>outside</em> the device lock: a limit
 * write holding the hierarchy lock may be waiting for the device lock in the reclaimer. The
 * cpuset-changed flag is volatile: the framework's listener sets it on any thread.
 */
final class CgroupLink implements ChargingPort, EnginePolicy {
  private static final Logger LOG = LoggerFactory.getLogger(CgroupLink.class);
  /**
   * How often {@link #inCgroupOf} reads a task's cgroup again; each retry needs another move and
   * rmdir racing with it, so the bound is never reached in practice.
   */
  private static final int STALE_CGROUP_RETRIES = 100;
  /** The spec attribute naming a registration's region in the dmem view. */
  static final String DMEM_REGION = "dmem.region";

  private final Object lock;
  private final DrmDriver driver;
  private final DeviceConfig config;
  private final Map<String, MemoryRegion> regions;
  private final DeviceClock clock;
  private final List<DeviceRegistration> registrations = new ArrayList<>();
  private final RegionTable<RegionCharge> charges = new RegionTable<>();
  private final RegionTable<Integer> maskRegionIndex = new RegionTable<>();
  private DriverContext context;
  private TimeSharing timeSharing;
  private EngineMask engineMask;
  private volatile AutoCloseable maskSubscription;
  private volatile Subscription taskSubscription = Subscription.NONE;
  private volatile boolean masksChanged;

  CgroupLink(Object lock, DrmDriver driver, DeviceConfig config, Map<String, MemoryRegion> regions, DeviceClock clock) {
    this.lock = lock;
    this.driver = driver;
    this.config = config;
    this.regions = regions;
    this.clock = clock;
  }

  /** Under the device lock: remembers the framework, for cgroup lookups and the root. */
  void attach(DriverContext ctx) {
    context = ctx;
  }

  /**
   * Outside the device lock: registers each of the config's cgroup devices that some present,
   * offered controller governs, with {@code reclaimer} as its reclaim hook. On a refusal it
   * unregisters what it registered (last first), forgets the context and rethrows.
   *
   * @return the registrations made, to {@link #bind} (empty without {@code DRIVER_CGROUPS})
   * @throws CgroupException {@code EINVAL} for a cgroup device naming an unknown region, or the
   *     framework's refusal
   */
  List<DeviceRegistration> registerAll(DriverContext ctx, Reclaimer reclaimer) {
    List<DeviceRegistration> done = new ArrayList<>();
    if (!driver.hasFeature(DriverFeature.DRIVER_CGROUPS)) {
      return done;
    }
    Set<String> present = ctx.controllers();
    try {
      for (DeviceConfig.CgroupDevice r : config.cgroupDevices()) {
        DeviceSpec spec = spec(r, present, reclaimer);
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
    return done;
  }

  /**
   * The spec of one cgroup device, or null when no controller it needs is offered and present.
   * System regions are host memory (never charged); the device-memory region, if any, is the one the
   * memory controller governs, named in the dmem view as {@code drmm_cgroup_register_region} names
   * it: {@code drm/<pci address>/<region>}.
   */
  private DeviceSpec spec(DeviceConfig.CgroupDevice r, Set<String> present, Reclaimer reclaimer) {
    for (String name : r.regions()) {
      if (regions.get(name) == null) {
        throw CgroupException.of(Errno.EINVAL, "device %s: cgroup device %s names unknown region %s", config.name(), r.name(), name);
      }
    }
    Set<String> wanted = new LinkedHashSet<>();
    Set<String> offered = driver.controllers();
    List<String> local = r.regions().stream().filter(n -> regions.get(n).kind() == MemoryRegion.Kind.LOCAL).toList();
    if (!local.isEmpty() && offered.contains(DrmDriver.MEMORY)) {
      wanted.add(DrmDriver.MEMORY);
    }
    if (r.engines() && !config.engines().isEmpty()) {
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
        .reclaimer(reclaimer)
        .clock(clock)
        .attribute("pdev", config.pdev());
    if (!local.isEmpty()) {
      b.attribute(DMEM_REGION, "drm/" + config.pdev() + "/" + local.get(0));
    }
    for (String name : r.regions()) {
      MemoryRegion m = regions.get(name);
      b.region(m.kind() == MemoryRegion.Kind.SYSTEM
          ? new RegionSpec(m.name(), m.capacity(), m.pageSize(), true)
          : new RegionSpec(m.name(), m.capacity(), m.pageSize()));
    }
    if (r.engines()) {
      config.engines().forEach(b::engine);
    }
    return b.build();
  }

  /** Under the device lock: keeps the registrations and binds their capabilities. */
  void bind(List<DeviceRegistration> done) {
    registrations.addAll(done);
    for (DeviceRegistration reg : registrations) {
      List<RegionSpec> regs = reg.spec().regions();
      reg.capability(MemoryCharging.class).ifPresent(mc -> {
        for (RegionSpec rs : regs) {
          if (!rs.host()) { // host memory is never charged
            charges.put(rs.name(), new RegionCharge(mc, mc.region(rs.name())));
          }
        }
      });
      if (!reg.spec().engines().isEmpty()) {
        timeSharing = reg.capability(TimeSharing.class).orElse(null);
        engineMask = reg.capability(EngineMask.class).orElse(null);
        masksChanged = true; // the scheduler's cached masks were asked of no mask, or another one
        for (int i = 0; i < regs.size(); i++) {
          maskRegionIndex.put(regs.get(i).name(), i);
        }
      }
    }
  }

  /**
   * Outside the device lock, after {@link #bind}: listens for cpuset changes, which only raise a
   * flag that the scheduler reads with {@link #takeMasksChanged}.
   */
  void subscribeMasks() {
    EngineMask mask;
    synchronized (lock) {
      mask = engineMask;
    }
    if (mask != null) {
      maskSubscription = mask.onChange(cg -> masksChanged = true);
    }
  }

  /**
   * Outside the device lock, after {@link #bind}: hears of frozen, thawed and killed tasks (the
   * framework calls {@code observer} under its hierarchy lock; the observer takes the device lock,
   * the established order). Nothing without {@code DRIVER_CGROUPS}, or from a context that reports
   * no task states.
   */
  void subscribeTasks(DriverContext ctx, TaskObserver observer) {
    if (!driver.hasFeature(DriverFeature.DRIVER_CGROUPS)) {
      return;
    }
    try {
      Subscription s = ctx.observeTasks(observer);
      taskSubscription = s == null ? Subscription.NONE : s;
    } catch (CgroupException e) {
      LOG.debug("{}: the driver context reports no task states ({})", config.name(), e.getMessage());
    }
  }

  /**
   * Under the device lock: drops the capabilities and the registrations (charges fail over to
   * "not charging" from here on).
   *
   * @return the registrations to hand to {@link #unregisterAll} once the lock is released
   */
  List<DeviceRegistration> unbind() {
    List<DeviceRegistration> regs = List.copyOf(registrations);
    registrations.clear();
    charges.clear();
    timeSharing = null;
    engineMask = null;
    masksChanged = true; // every engine is allowed from now on
    return regs;
  }

  /** Outside the device lock: ends the task and cpuset subscriptions, then unregisters, last first. */
  void unregisterAll(List<DeviceRegistration> regs) {
    taskSubscription.close();
    AutoCloseable subscription = maskSubscription;
    if (subscription != null) {
      try {
        subscription.close();
      } catch (Exception e) {
        LOG.warn("{}: closing the cpuset subscription failed", config.name(), e);
      }
    }
    for (int i = regs.size() - 1; i >= 0; i--) {
      regs.get(i).unregister();
    }
  }

  /**
   * The task's cgroup, or null when the device charges nowhere (not registered with the framework).
   * Takes the device lock only to read the context; the lookup itself runs outside it, because it
   * may take the hierarchy lock.
   */
  CgroupHandle cgroupOf(Task task) {
    DriverContext ctx;
    synchronized (lock) {
      ctx = registrations.isEmpty() ? null : context;
    }
    return ctx == null ? null : ctx.cgroupOf(task);
  }

  /**
   * Outside the device lock: reads the cgroup {@code task} is in (null when the device charges
   * nowhere), then runs {@code op} with it under the device lock. When {@code op} fails and that
   * cgroup was removed meanwhile, the task had moved away (a cgroup with tasks cannot be removed), so
   * the failure says nothing about the cgroup it is in now: the lock is released, the cgroup read
   * again and {@code op} run again — the kernel's {@code css_tryget_online} retry on a task's css.
   * {@code op} must leave nothing changed when it throws.
   */
  <T> T inCgroupOf(Task task, Function<CgroupHandle, T> op) {
    for (int attempt = 1; ; attempt++) {
      CgroupHandle cgroup = cgroupOf(task);
      synchronized (lock) {
        try {
          return op.apply(cgroup);
        } catch (CgroupException e) {
          if (cgroup == null || cgroup.online() || attempt == STALE_CGROUP_RETRIES) {
            throw e;
          }
        }
      }
    }
  }

  /** Under the device lock: the registrations made. */
  List<DeviceRegistration> registrations() {
    return List.copyOf(registrations);
  }

  /** Under the device lock: whether any region is charged. */
  boolean charging() {
    return !charges.isEmpty();
  }

  // ---------------------------------------------------------------- ChargingPort (under the device lock)

  @Override
  public boolean charges(String region) {
    return charges.containsKey(region);
  }

  @Override
  public boolean allowsRegion(CgroupHandle cgroup, String region) {
    Integer index = maskRegionIndex.get(region);
    return engineMask == null || cgroup == null || index == null || engineMask.allowsRegion(cgroup, index);
  }

  @Override
  public GemCharge charge(String region, CgroupHandle cgroup, long bytes) {
    return regionCharge(region).charge(cgroup, bytes);
  }

  @Override
  public GemCharge tryCharge(String region, CgroupHandle cgroup, long bytes) {
    return regionCharge(region).tryCharge(cgroup, bytes);
  }

  @Override
  public long reclaim(String region, long bytes) {
    return regionCharge(region).reclaim(context.root(), bytes);
  }

  private RegionCharge regionCharge(String region) {
    RegionCharge rc = charges.get(region);
    if (rc == null) {
      throw new IllegalStateException(config.name() + ": region " + region + " is not charged");
    }
    return rc;
  }

  // ---------------------------------------------------------------- EnginePolicy (under the device lock)

  @Override
  public TimeSharing timeSharing() {
    return timeSharing;
  }

  @Override
  public boolean allowsEngine(CgroupHandle cgroup, int engine) {
    return engineMask == null || cgroup == null || engineMask.allowsEngine(cgroup, engine);
  }

  /** Any thread. */
  @Override
  public boolean takeMasksChanged() {
    if (masksChanged) {
      masksChanged = false;
      return true;
    }
    return false;
  }
}
