package io.cgdev.samples.sim;

import io.cgdev.api.ByteSize;
import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.IdList;
import io.cgdev.api.Keyed;
import io.cgdev.api.Task;
import io.cgdev.api.Tasks;
import io.cgdev.drm.DrmDevice;
import io.cgdev.drm.DrmFile;
import io.cgdev.drm.GemObject;
import io.cgdev.samples.report.Report;
import io.cgdev.samples.report.Report.TenantReport;
import io.cgdev.samples.scenario.Durations;
import io.cgdev.samples.scenario.Scenario;
import io.cgdev.samples.scenario.Scenario.Tenant;
import io.cgdev.samples.scenario.Scenario.Workload;
import io.cgdev.samples.scenario.ScenarioException;
import io.cgdev.samples.scenario.TreeBuilder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a scenario on a booted hierarchy, in simulated time: builds its cgroup tree through the file
 * view, starts one task and one DRM client per workload, then, tick by tick, lets each workload
 * submit batches (its {@code load} in engines' worth of demand) and allocate or free GEM buffers,
 * advances the device, and samples the tenants' files ({@code memory.current}, {@code cpu.stat})
 * for the report. One engine for {@code cgdev demo} and {@code cgdev run}.
 *
 * <p>Single-threaded: call {@link #run} once, on one thread.
 */
public final class ScenarioRunner {
  /** After a refused allocation a workload waits this long before it tries to fill up again. */
  static final long RETRY_NANOS = 50_000_000L;

  private final CgroupFs fs;
  private final Tasks worldTasks;
  private final Set<String> controllers;
  private final Map<String, DrmDevice> devices;
  private final Scenario scenario;
  private final String device;
  private final Progress progress;
  private final String region;
  private final List<String> notes = new ArrayList<>();
  private final List<Stream> streams = new ArrayList<>();
  private final List<PluginStream> pluginStreams = new ArrayList<>();
  private final Map<String, PluginDevices.Allocator> pluginDevices;
  private final Map<String, Stats> stats = new LinkedHashMap<>();
  private final Map<String, String> fdinfo = new LinkedHashMap<>();
  private long events;

  /**
   * @param tasks the process table the workloads' tasks start in
   * @param devices the DRM devices by name (workloads run on them)
   * @param device the scenario's default device
   */
  public ScenarioRunner(CgroupFs fs, Tasks tasks, Set<String> controllers, Map<String, DrmDevice> devices, Scenario scenario,
      String device, Progress progress) {
    this(fs, tasks, controllers, devices, Map.of(), scenario, device, progress);
  }

  /**
   * @param tasks the process table the workloads' tasks start in
   * @param devices the DRM devices by name (workloads run on them)
   * @param pluginDevices devices of plugin drivers that run memory workloads ({@link PluginDevices})
   * @param device the scenario's default device
   */
  public ScenarioRunner(CgroupFs fs, Tasks tasks, Set<String> controllers, Map<String, DrmDevice> devices,
      Map<String, PluginDevices.Allocator> pluginDevices, Scenario scenario, String device, Progress progress) {
    this.pluginDevices = Map.copyOf(pluginDevices);
    this.fs = fs;
    this.worldTasks = tasks;
    this.controllers = Set.copyOf(controllers);
    this.devices = Map.copyOf(devices);
    this.scenario = scenario;
    this.device = device;
    this.progress = progress;
    this.region = reportRegion(scenario, devices.get(device));
  }

  /**
   * The region the report is about: the scenario's {@code region}, else the device's first local
   * region ({@code lmem0}: the scarce one, where limits and eviction bite), else its first region.
   */
  private static String reportRegion(Scenario scenario, DrmDevice dev) {
    if (scenario.region() != null) {
      if (dev != null && dev.regions().stream().noneMatch(r -> r.name().equals(scenario.region()))) {
        throw new ScenarioException(scenario.source(), 1, "region", "no region '" + scenario.region() + "' on "
            + dev.name() + " (regions: " + String.join(", ", dev.regions().stream().map(r -> r.name()).toList()) + ")");
      }
      return scenario.region();
    }
    if (dev == null || dev.regions().isEmpty()) {
      return "";
    }
    return dev.regions().stream().map(r -> r.name()).filter(n -> n.startsWith("lmem")).findFirst()
        .orElse(dev.regions().get(0).name());
  }

  /** The region the report's memory figures are about. */
  public String region() {
    return region;
  }

  /** Each client's fdinfo at the end of {@link #run}, by task; empty before. */
  public Map<String, String> fdinfo() {
    return java.util.Collections.unmodifiableMap(fdinfo);
  }

  /** Adds a line to the report's notes. */
  public ScenarioRunner note(String line) {
    notes.add(line);
    return this;
  }

  /** Per-tenant counters the workloads keep (the files do not know about buffers). */
  private static final class Stats {
    long allocations;
    long failed;
    long evictions;
  }

  /** One DRM client of a workload: the task, its file, its buffers and its demand. */
  private final class Stream {
    final Workload w;
    final Tenant tenant;
    final DrmDevice dev;
    final DrmFile file;
    final double duty;
    final ArrayDeque<Integer> buffers = new ArrayDeque<>();
    double allowance;
    double allocCredit;
    long backoff;
    long submitted;
    int nextBuffer;

    Stream(Workload w, Tenant tenant, DrmDevice dev, DrmFile file, double duty) {
      this.w = w;
      this.tenant = tenant;
      this.dev = dev;
      this.file = file;
      this.duty = duty;
    }

    Stats stats() {
      return stats.get(tenant.path());
    }

    void step(long tick) {
      // memory: fill up to the working set, then churn at the given rate (oldest freed first)
      if (w.bufferBytes() > 0) {
        backoff -= tick;
        if (buffers.size() < w.buffers()) {
          if (backoff <= 0 && !allocate()) {
            backoff = RETRY_NANOS;
          }
        } else if (w.allocPerSecond() > 0) {
          allocCredit += w.allocPerSecond() * tick / 1e9;
          while (allocCredit >= 1) {
            allocCredit -= 1;
            free(buffers.pollFirst());
            allocate();
          }
        }
      }
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

    private boolean allocate() {
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

    void free(Integer handle) {
      if (handle == null) {
        return;
      }
      events++;
      GemObject o = file.object(handle);
      stats().evictions += o.evictions();
      file.closeHandle(handle);
    }

    /** The workload's process ends its work: buffers are freed; queued batches still drain. */
    void stop() {
      while (!buffers.isEmpty()) {
        free(buffers.pollFirst());
      }
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
  private final class PluginStream {
    final Workload w;
    final Tenant tenant;
    final PluginDevices.Allocator allocator;
    final Task task;
    final ArrayDeque<AutoCloseable> buffers = new ArrayDeque<>();
    double allocCredit;
    long backoff;

    PluginStream(Workload w, Tenant tenant, PluginDevices.Allocator allocator, Task task) {
      this.w = w;
      this.tenant = tenant;
      this.allocator = allocator;
      this.task = task;
    }

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
          free(buffers.pollFirst());
          allocate();
        }
      }
    }

    private boolean allocate() {
      events++;
      Stats st = stats.get(tenant.path());
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

    void stop() {
      while (!buffers.isEmpty()) {
        free(buffers.pollFirst());
      }
    }

    void free(AutoCloseable buffer) {
      if (buffer == null) {
        return;
      }
      events++;
      try {
        buffer.close();
      } catch (Exception e) {
        throw new IllegalStateException("plugin device free failed: " + e, e);
      }
    }
  }

  /**
   * Builds the tree, runs the workloads for the scenario's duration and reports.
   *
   * @throws ScenarioException when the tree or a workload refers to something the hierarchy refuses
   */
  public Report run() {
    new TreeBuilder(fs, controllers, device).build(scenario);
    List<Tenant> all = scenario.allTenants();
    for (Tenant t : all) {
      stats.put(t.path(), new Stats());
    }
    List<Task> tasks = new ArrayList<>();
    for (Tenant t : all) {
      for (Workload w : t.workloads()) {
        start(t, w, tasks);
      }
    }
    long duration = scenario.durationNanos();
    long tick = scenario.tickNanos();
    long sampleEvery = Math.max(tick, duration / scenario.samples());
    List<Tenant> leaves = all.stream().filter(t -> t.children().isEmpty()).toList();
    List<Long> times = new ArrayList<>();
    Map<String, List<Double>> shareSeries = new LinkedHashMap<>();
    Map<String, List<Long>> memorySeries = new LinkedHashMap<>();
    leaves.forEach(t -> shareSeries.put(t.path(), new ArrayList<>()));
    all.forEach(t -> memorySeries.put(t.path(), new ArrayList<>()));
    Map<String, Long> lastUsage = new HashMap<>();
    Map<String, Long> startUsage = new HashMap<>();
    for (Tenant t : all) {
      long u = usageUsec(t.path());
      lastUsage.put(t.path(), u);
      startUsage.put(t.path(), u);
    }

    long startWall = System.nanoTime();
    long nextSample = sampleEvery;
    for (long now = 0; now < duration; ) {
      long step = Math.min(tick, duration - now);
      for (Stream s : streams) {
        if (s.w.activeAt(now)) {
          s.step(step);
        } else if (now >= s.w.stopNanos()) {
          s.stop();
        }
      }
      for (PluginStream s : pluginStreams) {
        if (s.w.activeAt(now)) {
          s.step(step);
        } else if (now >= s.w.stopNanos()) {
          s.stop();
        }
      }
      for (DrmDevice d : usedDevices()) {
        d.runFor(step);
      }
      now += step;
      events++;
      if (now >= nextSample || now == duration) {
        nextSample += sampleEvery;
        times.add(now);
        long total = 0;
        Map<String, Long> delta = new HashMap<>();
        for (Tenant t : leaves) {
          long u = usageUsec(t.path());
          delta.put(t.path(), u - lastUsage.get(t.path()));
          lastUsage.put(t.path(), u);
          total += delta.get(t.path());
        }
        for (Tenant t : leaves) {
          shareSeries.get(t.path()).add(total == 0 ? 0.0 : delta.get(t.path()) / (double) total);
        }
        for (Tenant t : all) {
          memorySeries.get(t.path()).add(readLong(file(t.path(), "memory", "current"), 0));
        }
        events++;
        progress.update(now / (double) duration, Durations.format(now) + " of " + Durations.format(duration));
      }
    }
    long wall = System.nanoTime() - startWall;
    progress.finish();

    Map<String, Double> expected = expectedShares(leaves);
    long totalUsage = 0;
    for (Tenant t : leaves) {
      totalUsage += usageUsec(t.path()) - startUsage.get(t.path());
    }
    for (Stream s : streams) {
      s.stats().evictions += s.liveEvictions();
    }
    List<TenantReport> reports = new ArrayList<>();
    for (Tenant t : all) {
      reports.add(tenantReport(t, totalUsage, startUsage.get(t.path()), expected));
    }
    Report report = new Report(scenario.name(), scenario.description(), device, region, duration, wall, events, reports,
        new Report.Series(times, shareSeries, memorySeries), notes);
    for (Stream s : streams) {
      fdinfo.put(s.file.task().name() + " (pid " + s.file.task().pid() + ", " + s.tenant.path() + ")", s.file.fdinfo());
    }
    return report;
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
      while (!s.buffers.isEmpty()) {
        s.free(s.buffers.pollFirst());
      }
    }
  }

  private List<DrmDevice> usedDevices() {
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

  private void start(Tenant t, Workload w, List<Task> tasks) {
    String devName = w.device() == null ? device : w.device();
    DrmDevice dev = devices.get(devName);
    if (dev == null && pluginDevices.containsKey(devName)) {
      if (w.engineClass() != null) {
        throw new ScenarioException(scenario.source(), w.at().line(), w.at().field() + ".engine",
            devName + " runs memory workloads only (it is not a DRM device)");
      }
      try {
        Task task = worldTasks.spawn(w.name(), CgroupPath.parse(t.path()));
        tasks.add(task);
        pluginStreams.add(new PluginStream(w, t, pluginDevices.get(devName), task));
      } catch (CgroupException e) {
        throw new ScenarioException(scenario.source(), w.at().line(), w.at().field(),
            "cannot start a task in " + t.path() + ": " + e.errno().name() + ": " + e.getMessage());
      }
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
      Task task;
      try {
        task = worldTasks.spawn(name, CgroupPath.parse(t.path()));
      } catch (CgroupException e) {
        throw new ScenarioException(scenario.source(), w.at().line(), w.at().field(),
            "cannot start a task in " + t.path() + ": " + e.errno().name() + ": " + e.getMessage());
      }
      tasks.add(task);
      // the working set is split over the streams so `count` stays the workload's total
      Workload part = n == 1 ? w : new Workload(name, w.device(), w.engineClass(), w.batchNanos(), w.load(),
          w.bufferBytes(), w.buffers() / n + (i < w.buffers() % n ? 1 : 0), w.allocPerSecond() / n, w.placements(),
          w.startNanos(), w.stopNanos(), w.at());
      streams.add(new Stream(part, t, dev, dev.open(task), w.load() / n));
    }
  }

  private TenantReport tenantReport(Tenant t, long totalUsage, long startUsage, Map<String, Double> expected) {
    String p = t.path();
    Map<String, Long> events = new LinkedHashMap<>();
    try {
      RegionValues.keyed(fs.read(file(p, "memory", "events")), region).forEach((k, v) -> events.put(k, Long.parseLong(v)));
    } catch (CgroupException | NumberFormatException e) {
      // no memory controller for this device: no events to show
    }
    Stats s = sum(t);
    long usage = usageUsec(p);
    double share = totalUsage == 0 ? 0 : (usage - startUsage) / (double) totalUsage;
    // figures of other controllers and other devices: third-party ones on the scenario's device,
    // everything on plugin devices, keyed "<device>/<file>"
    Map<String, String> extra = new LinkedHashMap<>();
    List<String> others = new ArrayList<>(pluginDevices.keySet());
    others.add(0, device);
    for (String dev : others) {
      for (String c : controllers.stream().sorted().toList()) {
        if (dev.equals(device) && Set.of("memory", "cpu", "cpuset").contains(c)) {
          continue;
        }
        for (String f : List.of("current", "max", "events")) {
          String path = (p.equals("/") ? "" : p) + "/" + c + ".devices/" + dev + "/" + c + "." + f;
          try {
            String v = fs.read(path).strip().replace("\n", "; ");
            // defaults say nothing: show what is set or used
            if (!v.isEmpty() && !v.equals("0") && !v.equals("max") && !v.matches("([a-z_]+ 0(; )?)+")) {
              extra.put(dev + "/" + c + "." + f, v);
            }
          } catch (CgroupException e) {
            // the controller does not govern this device, or the file is not on this cgroup
          }
        }
      }
    }
    return new TenantReport(p, t.children().isEmpty(),
        readLong(file(p, "memory", "current"), 0),
        readLong(file(p, "memory", "peak"), 0),
        readLong(file(p, "memory", "max"), ByteSize.MAX),
        events, s.evictions, s.failed, s.allocations, usage, share,
        expected.getOrDefault(p, 0.0), extra);
  }

  private Stats sum(Tenant t) {
    Stats total = new Stats();
    Stats own = stats.get(t.path());
    total.allocations = own.allocations;
    total.failed = own.failed;
    total.evictions = own.evictions;
    for (Tenant c : t.children()) {
      Stats cs = sum(c);
      total.allocations += cs.allocations;
      total.failed += cs.failed;
      total.evictions += cs.evictions;
    }
    return total;
  }

  /**
   * The share of device time each leaf's weights imply: every engine's time is split among the
   * leaves that have work of its class and may use it (cpuset), level by level by {@code
   * cpu.weight}; a leaf's expected share is its average over the engines that had any taker.
   */
  private Map<String, Double> expectedShares(List<Tenant> leaves) {
    DrmDevice dev = devices.get(device);
    Map<String, Double> sum = new HashMap<>();
    if (dev == null) {
      return sum;
    }
    int busyEngines = 0;
    for (int e = 0; e < dev.engines().size(); e++) {
      String cls = dev.engines().get(e).engineClass();
      List<String> takers = new ArrayList<>();
      for (Tenant t : leaves) {
        boolean wants = streams.stream().anyMatch(s -> s.tenant == t && s.dev == dev && cls.equals(s.w.engineClass()));
        if (wants && allowedEngines(t.path()).get(e)) {
          takers.add(t.path());
        }
      }
      if (takers.isEmpty()) {
        continue;
      }
      busyEngines++;
      split("/", 1.0, takers, sum);
    }
    final int n = busyEngines;
    sum.replaceAll((k, v) -> n == 0 ? 0 : v / n);
    return sum;
  }

  /** Splits {@code amount} of {@code path} among its children that lead to a taker, by weight. */
  private void split(String path, double amount, List<String> takers, Map<String, Double> into) {
    if (takers.contains(path)) {
      into.merge(path, amount, Double::sum);
      return;
    }
    Map<String, Long> weights = new LinkedHashMap<>();
    String prefix = path.equals("/") ? "/" : path + "/";
    for (String t : takers) {
      if (t.startsWith(prefix)) {
        String child = prefix + t.substring(prefix.length()).split("/")[0];
        weights.computeIfAbsent(child, c -> readLong(file(c, "cpu", "weight"), 100));
      }
    }
    long total = weights.values().stream().mapToLong(Long::longValue).sum();
    weights.forEach((child, w) -> split(child, amount * w / total, takers, into));
  }

  private BitSet allowedEngines(String path) {
    try {
      return IdList.parse(fs.read(file(path, "cpuset", "cpus.effective")));
    } catch (CgroupException e) {
      BitSet all = new BitSet();
      all.set(0, 1024);
      return all;
    }
  }

  private long usageUsec(String path) {
    try {
      return Long.parseLong(Keyed.parseFlat(fs.read(file(path, "cpu", "stat"))).getOrDefault("usage_usec", "0"));
    } catch (CgroupException | NumberFormatException e) {
      return 0;
    }
  }

  private String file(String cgroup, String controller, String name) {
    return (cgroup.equals("/") ? "" : cgroup) + "/" + controller + ".devices/" + device + "/" + controller + "." + name;
  }

  /** A number from a file: the single value, or the report region's line of a per-region file. */
  private long readLong(String path, long dflt) {
    try {
      String s = RegionValues.value(fs.read(path), region);
      if (s == null) {
        return dflt;
      }
      return s.equals("max") ? ByteSize.MAX : Long.parseLong(s);
    } catch (CgroupException | NumberFormatException e) {
      return dflt;
    }
  }
}
