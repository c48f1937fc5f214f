package io.cgdev.sim;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Task;
import io.cgdev.api.Tasks;
import io.cgdev.drm.DrmDevice;
import io.cgdev.drm.DrmFile;
import io.cgdev.drm.GemObject;
import io.cgdev.sim.scenario.Scenario;
import io.cgdev.sim.scenario.Scenario.Tenant;
import io.cgdev.sim.scenario.Scenario.Workload;
import io.cgdev.sim.scenario.ScenarioException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The workloads of a scenario, whatever the clock: {@link #start} spawns one task and opens one DRM
 * client per stream (several for {@code load > 1}), and each {@link #step} lets every stream top up
 * its device memory and submit batches for the time that passed. {@link ScenarioRunner} steps them
 * in simulated time; {@link LiveWorkloads} in real time while a FUSE mount serves the tree.
 *
 * <p>Not thread-safe: {@link #start}, {@link #step} and {@link #release} are called by one thread at
 * a time (the runner's, or the live thread, which must have stopped before {@link #release}).
 */
public final class Workloads {
  /** After a refused allocation a workload waits this long before it tries to fill up again. */
  static final long RETRY_NANOS = 50_000_000L;

  private final Scenario scenario;
  private final Tasks worldTasks;
  private final Map<String, DrmDevice> devices;
  private final Map<String, PluginDevices.Allocator> pluginDevices;
  private final String device;
  private final List<Stream> streams = new ArrayList<>();
  private final List<PluginStream> pluginStreams = new ArrayList<>();
  private final Map<String, Stats> stats = new LinkedHashMap<>();
  private int tasks;
  private long events;

  /**
   * @param tasks the process table the workloads' tasks start in
   * @param devices the DRM devices by name (workloads run on them)
   * @param pluginDevices devices of plugin drivers that run memory workloads ({@link PluginDevices})
   * @param device the scenario's default device
   */
  public Workloads(Scenario scenario, Tasks tasks, Map<String, DrmDevice> devices,
      Map<String, PluginDevices.Allocator> pluginDevices, String device) {
    this.scenario = scenario;
    this.worldTasks = tasks;
    this.devices = Map.copyOf(devices);
    this.pluginDevices = Map.copyOf(pluginDevices);
    this.device = device;
    for (Tenant t : scenario.allTenants()) {
      stats.put(t.path(), new Stats());
    }
  }

  /** Per-tenant counters the workloads keep (the files do not know about buffers). */
  static final class Stats {
    long allocations;
    long failed;
    long evictions;
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
    for (Stream s : streams) {
      s.advance(now, tick);
    }
    for (PluginStream s : pluginStreams) {
      s.advance(now, tick);
    }
  }

  /** The DRM devices the workloads run on (the scenario's device when none runs on a DRM device). */
  public List<DrmDevice> devices() {
    List<DrmDevice> used = new ArrayList<>();
    for (Stream s : streams) {
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
    for (Stream s : streams) {
      s.file.close();
    }
    for (PluginStream s : pluginStreams) {
      s.stop();
    }
  }

  /** Allocations, frees and submissions made so far. */
  long events() {
    return events;
  }

  Stats stats(String tenantPath) {
    return stats.get(tenantPath);
  }

  /** Whether a stream of tenant {@code t} submits work of engine class {@code cls} to {@code dev}. */
  boolean wants(Tenant t, DrmDevice dev, String cls) {
    return streams.stream().anyMatch(s -> s.tenant == t && s.dev == dev && cls.equals(s.w.engineClass()));
  }

  /** Adds the evictions of the buffers still held to the tenants' counts (once, at the end of a run). */
  void countLiveEvictions() {
    for (Stream s : streams) {
      s.stats().evictions += s.liveEvictions();
    }
  }

  /** Each client's fdinfo now, keyed by task name, pid and tenant. */
  Map<String, String> fdinfo() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Stream s : streams) {
      out.put(s.file.task().name() + " (pid " + s.file.task().pid() + ", " + s.tenant.path() + ")", s.file.fdinfo());
    }
    return out;
  }

  /**
   * The memory side of a workload's stream, whatever hands out its buffers ({@code B}): fill up to
   * the working set (after a refusal, wait {@link #RETRY_NANOS}), then churn at the workload's rate,
   * oldest buffer freed first.
   */
  private abstract class BufferStream<B> {
    final Workload w;
    final Tenant tenant;
    final ArrayDeque<B> buffers = new ArrayDeque<>();
    private double allocCredit;
    private long backoff;

    BufferStream(Workload w, Tenant tenant) {
      this.w = w;
      this.tenant = tenant;
    }

    Stats stats() {
      return stats.get(tenant.path());
    }

    /** Adds one buffer at the end of {@link #buffers}; false (counted as failed) when refused. */
    abstract boolean allocate();

    /** Lets go of one buffer already taken out of {@link #buffers}. */
    abstract void free(B buffer);

    /** Steps the stream while its workload is active at {@code now}, stops it once past its end. */
    final void advance(long now, long tick) {
      if (w.activeAt(now)) {
        step(tick);
      } else if (now >= w.stopNanos()) {
        stop();
      }
    }

    /** The memory demand for the {@code tick} nanoseconds that passed. */
    void step(long tick) {
      if (w.bufferBytes() <= 0) {
        return;
      }
      backoff -= tick;
      if (buffers.size() < w.buffers()) {
        if (backoff <= 0 && !allocate()) {
          backoff = RETRY_NANOS;
        }
      } else if (w.allocPerSecond() > 0) {
        allocCredit += w.allocPerSecond() * tick / 1e9;
        while (allocCredit >= 1) {
          allocCredit -= 1;
          freeOldest();
          allocate();
        }
      }
    }

    /** The workload's process ends its work: buffers are freed (queued batches still drain). */
    final void stop() {
      while (!buffers.isEmpty()) {
        freeOldest();
      }
    }

    private void freeOldest() {
      B oldest = buffers.pollFirst();
      if (oldest != null) {
        free(oldest);
      }
    }
  }

  /** One DRM client of a workload: the task, its file, its buffers and its demand. */
  private final class Stream extends BufferStream<Integer> {
    final DrmDevice dev;
    final DrmFile file;
    final double duty;
    double allowance;
    long submitted;
    int nextBuffer;

    Stream(Workload w, Tenant tenant, DrmDevice dev, DrmFile file, double duty) {
      super(w, tenant);
      this.dev = dev;
      this.file = file;
      this.duty = duty;
    }

    @Override
    void step(long tick) {
      super.step(tick);
      // time: open-loop demand of `duty` engines, with a bounded queue (a blocked client waits)
      if (w.engineClass() != null && duty > 0) {
        long backlog = submitted - file.runtime(w.engineClass());
        allowance += duty * tick;
        long cap = (long) (2 * duty * tick) + 2 * w.batchNanos();
        while (allowance >= w.batchNanos() && backlog < cap) {
          int[] use = buffers.isEmpty() ? new int[0] : new int[] {nextBuffer()};
          dev.submit(file, w.engineClass(), w.batchNanos(), use);
          submitted += w.batchNanos();
          backlog += w.batchNanos();
          allowance -= w.batchNanos();
          events++;
        }
        if (backlog >= cap) {
          allowance = Math.min(allowance, w.batchNanos());
        }
      }
    }

    private int nextBuffer() {
      List<Integer> list = List.copyOf(buffers);
      return list.get(nextBuffer++ % list.size());
    }

    @Override
    boolean allocate() {
      events++;
      try {
        String[] placements = w.placements().toArray(String[]::new);
        buffers.addLast(file.createGem(w.bufferBytes(), placements));
        stats().allocations++;
        return true;
      } catch (CgroupException e) {
        stats().failed++;
        return false;
      }
    }

    @Override
    void free(Integer handle) {
      events++;
      GemObject o = file.object(handle);
      stats().evictions += o.evictions();
      file.closeHandle(handle);
    }

    long liveEvictions() {
      long n = 0;
      for (int h : buffers) {
        n += file.object(h).evictions();
      }
      return n;
    }
  }

  /** A memory workload on a plugin device: buffers allocated and churned through its allocator. */
  private final class PluginStream extends BufferStream<AutoCloseable> {
    final PluginDevices.Allocator allocator;
    final Task task;

    PluginStream(Workload w, Tenant tenant, PluginDevices.Allocator allocator, Task task) {
      super(w, tenant);
      this.allocator = allocator;
      this.task = task;
    }

    @Override
    boolean allocate() {
      events++;
      Stats st = stats();
      try {
        buffers.addLast(allocator.allocate(task, w.bufferBytes()));
        st.allocations++;
        return true;
      } catch (CgroupException e) {
        st.failed++;
        return false;
      } catch (Throwable e) {
        throw new IllegalStateException("plugin device allocation failed: " + e, e);
      }
    }

    @Override
    void free(AutoCloseable buffer) {
      events++;
      try {
        buffer.close();
      } catch (Exception e) {
        throw new IllegalStateException("plugin device free failed: " + e, e);
      }
    }
  }

  private void start(Tenant t, Workload w) {
    String devName = w.device() == null ? device : w.device();
    DrmDevice dev = devices.get(devName);
    if (dev == null && pluginDevices.containsKey(devName)) {
      if (w.engineClass() != null) {
        throw new ScenarioException(scenario.source(), w.at().line(), w.at().field() + ".engine",
            devName + " runs memory workloads only (it is not a DRM device)");
      }
      pluginStreams.add(new PluginStream(w, t, pluginDevices.get(devName), spawn(t, w, w.name())));
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
      streams.add(new Stream(part, t, dev, dev.open(task), w.load() / n));
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
