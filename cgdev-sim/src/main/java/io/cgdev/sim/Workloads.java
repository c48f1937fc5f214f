package io.cgdev.sim;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Task;
import io.cgdev.api.Tasks;
import io.cgdev.drm.DrmDevice;
import io.cgdev.sim.scenario.Scenario;
import io.cgdev.sim.scenario.Scenario.Tenant;
import io.cgdev.sim.scenario.Scenario.Workload;
import io.cgdev.sim.scenario.ScenarioException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The workloads of a scenario, whatever the clock: {@link #start} spawns one task and opens one DRM
 * client per stream ({@link DrmStream}; several for {@code load > 1}; a {@link PluginStream} on a
 * plugin device), and each {@link #step} lets every stream top up its device memory and submit
 * batches for the time that passed. {@link ScenarioRunner} steps them
 * in simulated time; {@link LiveWorkloads} in real time while a FUSE mount serves the tree.
 *
 * <p>Not thread-safe: {@link #start}, {@link #step} and {@link #release} are called by one thread at
 * a time (the runner's, or the live thread, which must have stopped before {@link #release}).
 */
public final class Workloads {
  private final Scenario scenario;
  private final Tasks worldTasks;
  private final Map<String, DrmDevice> devices;
  private final Map<String, PluginDevices.Device> pluginDevices;
  private final String device;
  private final List<DrmStream> streams = new ArrayList<>();
  private final List<PluginStream> pluginStreams = new ArrayList<>();
  private final Map<String, TenantStats> stats = new LinkedHashMap<>();
  private int tasks;
  /** {@link #stepDue}'s bookkeeping, created at its first call. */
  private DueStreams due;

  /**
   * @param tasks the process table the workloads' tasks start in
   * @param devices the DRM devices by name (workloads run on them)
   * @param pluginDevices devices of plugin drivers that run memory workloads ({@link PluginDevices})
   * @param device the scenario's default device
   */
  public Workloads(Scenario scenario, Tasks tasks, Map<String, DrmDevice> devices,
      Map<String, PluginDevices.Device> pluginDevices, String device) {
    this.scenario = scenario;
    this.worldTasks = tasks;
    this.devices = Map.copyOf(devices);
    this.pluginDevices = Map.copyOf(pluginDevices);
    this.device = device;
    for (Tenant t : scenario.allTenants()) {
      stats.put(t.path(), new TenantStats());
    }
  }

  /**
   * Spawns the workloads' tasks in their tenants (which must exist) and opens their DRM clients.
   * Called once.
   *
   * @throws ScenarioException when a workload refers to a device, engine class or region that is
   *     not there, or its task cannot start in its tenant
   */
  public void start() {
    for (Tenant t : scenario.allTenants()) {
      for (Workload w : t.workloads()) {
        start(t, w);
      }
    }
  }

  /**
   * One step of every workload: those active at scenario time {@code now} (nanoseconds since the
   * start) top up their memory and queue work for the {@code tick} nanoseconds that passed; those
   * past their {@code stop} free their buffers. Running the queued work is the devices' business.
   */
  public void step(long now, long tick) {
    for (DrmStream s : streams) {
      s.advance(now, tick);
    }
    for (PluginStream s : pluginStreams) {
      s.advance(now, tick);
    }
  }

  /**
   * The same step as {@link #step}, event-stepped: only the DRM streams that have something to do
   * are advanced ({@link DueStreams}), in the same order as {@link #step} advances them, so the
   * devices see the same calls in the same order; the others' steps would change nothing (their
   * counters are brought up to date when they are next advanced). A stream has something to do when
   * its {@link BufferStream#quietUntil} time has come, when its client ran since its last step, or
   * after a write to the tree ({@link #refreshFrozen}). Plugin streams are advanced every step. For
   * {@link ScenarioRunner}: steps of one size, at most the last one shorter; calls at increasing
   * {@code now}, never mixed with {@link #step}.
   */
  public void stepDue(long now, long tick) {
    if (due == null) {
      due = new DueStreams(streams);
    }
    due.step(now, tick);
    for (PluginStream s : pluginStreams) {
      s.advance(now, tick);
    }
  }

  /**
   * Tells every stream whether its tenant's tasks are frozen now; called after a write that may
   * freeze or thaw ({@code cgroup.freeze} anywhere above a tenant counts). Wakes every stream of
   * {@link #stepDue}: after a write anything may have changed for any of them.
   */
  public void refreshFrozen(java.util.function.Predicate<Tenant> frozen) {
    if (due != null) {
      due.wakeAll();
    }
    Map<Tenant, Boolean> known = new java.util.IdentityHashMap<>();
    for (DrmStream s : streams) {
      s.frozen = known.computeIfAbsent(s.tenant, frozen::test);
    }
    for (PluginStream s : pluginStreams) {
      s.frozen = known.computeIfAbsent(s.tenant, frozen::test);
    }
  }

  /**
   * Tells every DRM stream whether its client's task is frozen now, as its device knows it: for live
   * mode, where a user freezes through the mount rather than by a scenario's writes. Plugin streams
   * keep their setting (a plugin driver reports no frozen tasks).
   */
  public void refreshFrozenFromDevices() {
    if (due != null) {
      due.wakeAll();
    }
    for (DrmStream s : streams) {
      if (s.file.isOpen()) {
        s.frozen = s.file.frozen();
      }
    }
  }

  /** The DRM devices the workloads run on (the scenario's device when none runs on a DRM device). */
  public List<DrmDevice> devices() {
    List<DrmDevice> used = new ArrayList<>();
    for (DrmStream s : streams) {
      if (!used.contains(s.dev)) {
        used.add(s.dev);
      }
    }
    if (used.isEmpty() && devices.containsKey(device)) {
      used.add(devices.get(device));
    }
    return used;
  }

  /** How many tasks {@link #start} spawned. */
  public int taskCount() {
    return tasks;
  }

  /**
   * Lets go of the workloads' buffers and clients (after the caller has looked at the final state),
   * so the device can unplug cleanly at shutdown. Idempotent.
   */
  public void release() {
    for (DrmStream s : streams) {
      s.file.close();
    }
    for (PluginStream s : pluginStreams) {
      s.stop();
    }
  }

  /** Allocations, frees and submissions made so far. */
  long events() {
    long n = 0;
    for (DrmStream s : streams) {
      n += s.events;
    }
    for (PluginStream s : pluginStreams) {
      n += s.events;
    }
    return n;
  }

  TenantStats stats(String tenantPath) {
    return stats.get(tenantPath);
  }

  /** The streams that submit work to {@code dev}, in start order. */
  List<DrmStream> streamsOn(DrmDevice dev) {
    List<DrmStream> on = new ArrayList<>();
    for (DrmStream s : streams) {
      if (s.dev == dev && s.engineClass() != null) {
        on.add(s);
      }
    }
    return on;
  }

  /** Scenario times at which a workload starts or stops, ascending, without repeats. */
  long[] startsAndStops() {
    java.util.TreeSet<Long> times = new java.util.TreeSet<>();
    for (DrmStream s : streams) {
      times.add(s.w.startNanos());
      if (s.w.stopNanos() != Long.MAX_VALUE) {
        times.add(s.w.stopNanos());
      }
    }
    return times.stream().mapToLong(Long::longValue).toArray();
  }

  /** Adds the evictions of the buffers still held to the tenants' counts (once, at the end of a run). */
  void countLiveEvictions() {
    for (DrmStream s : streams) {
      s.stats.evictions += s.liveEvictions();
    }
  }

  /** Each client's fdinfo now, keyed by task name, pid and tenant. */
  Map<String, String> fdinfo() {
    Map<String, String> out = new LinkedHashMap<>();
    for (DrmStream s : streams) {
      if (!s.file.isOpen()) {
        continue; // killed: a dead process has no fdinfo
      }
      out.put(s.file.task().name() + " (pid " + s.file.task().pid() + ", " + s.tenant.path() + ")", s.file.fdinfo());
    }
    return out;
  }

  /** Each client still open now (a killed task's are closed), with the tenant it runs in. */
  List<ScenarioRunner.Client> clients() {
    List<ScenarioRunner.Client> out = new ArrayList<>();
    for (DrmStream s : streams) {
      if (!s.file.isOpen()) {
        continue;
      }
      out.add(new ScenarioRunner.Client(s.file.task().name() + " (pid " + s.file.task().pid() + ")", s.tenant.path(),
          s.file.fdinfo()));
    }
    return out;
  }

  private void start(Tenant t, Workload w) {
    String devName = w.device() == null ? device : w.device();
    DrmDevice dev = devices.get(devName);
    if (dev == null && pluginDevices.containsKey(devName)) {
      PluginDevices.Device pd = pluginDevices.get(devName);
      if (w.engineClass() != null && !pd.engineClasses().contains(w.engineClass())) {
        throw new ScenarioException(scenario.source(), w.at().line(), w.at().field() + ".engine",
            devName + " runs no work of engine class '" + w.engineClass() + "' (classes: "
                + String.join(", ", new java.util.TreeSet<>(pd.engineClasses())) + ")");
      }
      List<String> regions = pd.regions();
      String region = w.placements().isEmpty() ? (regions.isEmpty() ? null : regions.getFirst()) : w.placements().getFirst();
      if (region == null || !regions.contains(region)) {
        throw new ScenarioException(scenario.source(), w.at().line(), w.at().field() + ".memory.placement",
            "unknown region '" + region + "' on " + devName + " (regions: " + String.join(", ", regions) + ")");
      }
      pluginStreams.add(new PluginStream(w, t, stats.get(t.path()), pd, region, spawn(t, w, w.name())));
      return;
    }
    if (dev == null) {
      throw new ScenarioException(scenario.source(), w.at().line(), w.at().field() + ".device",
          "no device '" + devName + "' to run on (present: " + String.join(", ", devices.keySet())
              + (pluginDevices.isEmpty() ? "" : ", " + String.join(", ", pluginDevices.keySet())) + ")");
    }
    if (w.engineClass() != null && !dev.engineClasses().contains(w.engineClass())) {
      throw new ScenarioException(scenario.source(), w.at().line(), w.at().field() + ".engine",
          "unknown engine class '" + w.engineClass() + "' on " + devName + " (classes: "
              + String.join(", ", new java.util.LinkedHashSet<>(dev.engineClasses())) + ")");
    }
    for (String p : w.placements()) {
      if (dev.regions().stream().noneMatch(r -> r.name().equals(p))) {
        throw new ScenarioException(scenario.source(), w.at().line(), w.at().field() + ".memory.placement",
            "unknown region '" + p + "' on " + devName);
      }
    }
    int n = Math.max(1, (int) Math.ceil(w.load()));
    for (int i = 0; i < n; i++) {
      String name = n == 1 ? w.name() : w.name() + "-" + i;
      Task task = spawn(t, w, name);
      // the working set is split over the streams so `count` stays the workload's total
      Workload part = n == 1 ? w : new Workload(name, w.device(), w.engineClass(), w.batchNanos(), w.load(),
          w.bufferBytes(), w.buffers() / n + (i < w.buffers() % n ? 1 : 0), w.allocPerSecond() / n, w.placements(),
          w.startNanos(), w.stopNanos(), w.at());
      DrmStream stream = new DrmStream(part, t, stats.get(t.path()), dev, dev.open(task), w.load() / n);
      streams.add(stream);
    }
  }

  private Task spawn(Tenant t, Workload w, String name) {
    try {
      Task task = worldTasks.spawn(name, CgroupPath.parse(t.path()));
      tasks++;
      return task;
    } catch (CgroupException e) {
      throw new ScenarioException(scenario.source(), w.at().line(), w.at().field(),
          "cannot start a task in " + t.path() + ": " + e.errno().name() + ": " + e.getMessage());
    }
  }
}
