package io.cgdev.sim;

import io.cgdev.api.ByteSize;
import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.IdList;
import io.cgdev.api.Keyed;
import io.cgdev.api.Tasks;
import io.cgdev.drm.DrmDevice;
import io.cgdev.drm.MemoryRegion;
import io.cgdev.sim.report.Report;
import io.cgdev.sim.report.Report.TenantReport;
import io.cgdev.sim.scenario.Durations;
import io.cgdev.sim.scenario.Scenario;
import io.cgdev.sim.scenario.Scenario.Tenant;
import io.cgdev.sim.scenario.Scenario.TimedWrite;
import io.cgdev.sim.scenario.ScenarioException;
import io.cgdev.sim.scenario.TreeBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Runs a scenario on a booted hierarchy, in simulated time: builds its cgroup tree through the file
 * view, starts its {@link Workloads} (one task and DRM client per stream), then, tick by tick, lets
 * each workload submit batches (its {@code load} in engines' worth of demand) and allocate or free
 * GEM buffers (stepping only the workloads that have something to do: {@link Workloads#stepDue}),
 * advances the device, and samples the tenants' files ({@code memory.current}, {@code cpu.stat})
 * for the report. Writes at a time ({@code freeze:}, {@code kill:}, {@code schedule:}) are made at
 * the start of the first tick at or after their time; each is listed in the report's notes with its
 * outcome, and a refused one (e.g. {@code memory.reclaim}'s {@code EAGAIN}) is an outcome, not an
 * error. One engine for {@code cgdev demo} and {@code cgdev run}.
 *
 * <p>Single-threaded: call {@link #run} once, on one thread.
 */
public final class ScenarioRunner {
  /** The controllers whose files of the scenario's device the report shows in its own columns. */
  private static final Set<String> BUILT_IN = Set.of("memory", "cpu", "cpuset");
  /** A keyed file whose every value is 0, e.g. {@code max 0; oom 0}: nothing to show. */
  private static final Pattern ALL_ZERO = Pattern.compile("([a-z_]+ 0(; )?)+");
  private final CgroupFs fs;
  private final Set<String> controllers;
  private final Map<String, DrmDevice> devices;
  private final Scenario scenario;
  private final String device;
  private final Progress progress;
  private final String region;
  private final List<String> notes = new ArrayList<>();
  private final Workloads workloads;
  private final Map<String, PluginDevices.Device> pluginDevices;
  private final Map<String, String> fdinfo = new LinkedHashMap<>();
  private final List<Client> clients = new ArrayList<>();
  private final TenantFiles files;
  private final List<String> sortedControllers;
  private long events;
  private boolean tickStepped;

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
      Map<String, PluginDevices.Device> pluginDevices, Scenario scenario, String device, Progress progress) {
    this.pluginDevices = Map.copyOf(pluginDevices);
    this.fs = fs;
    this.controllers = Set.copyOf(controllers);
    this.devices = Map.copyOf(devices);
    this.scenario = scenario;
    this.device = device;
    this.progress = progress;
    this.region = deviceMemory(devices.get(device));
    this.workloads = new Workloads(scenario, tasks, devices, pluginDevices, device);
    this.files = new TenantFiles(fs, device);
    this.sortedControllers = this.controllers.stream().sorted().toList();
  }

  /**
   * The device memory the report's memory figures are about: the region the device's memory
   * registration governs (its first local region, e.g. {@code local0}); "" for a device without one.
   */
  private static String deviceMemory(DrmDevice dev) {
    if (dev == null) {
      return "";
    }
    return dev.config().regions().stream().filter(r -> r.kind() == MemoryRegion.Kind.LOCAL).map(MemoryRegion::name)
        .findFirst().orElse("");
  }

  /** The region the report's memory figures are about. */
  public String region() {
    return region;
  }

  /** Each client's fdinfo at the end of {@link #run}, by task; empty before. */
  public Map<String, String> fdinfo() {
    return java.util.Collections.unmodifiableMap(fdinfo);
  }

  /**
   * A DRM client as {@link #run} left it.
   *
   * @param name its task's name and pid, e.g. {@code trainer (pid 12)}
   * @param cgroup the tenant its task runs in, e.g. {@code /training}
   * @param fdinfo its fdinfo text
   */
  public record Client(String name, String cgroup, String fdinfo) {}

  /** Every DRM client at the end of {@link #run}, with its cgroup (for roll-ups by cgroup); empty before. */
  public List<Client> clients() {
    return List.copyOf(clients);
  }

  /**
   * Advances every workload at every tick ({@link Workloads#step}) instead of only those with
   * something to do ({@link Workloads#stepDue}, the default): the same run, slower; for the test
   * that shows both give the same report.
   */
  ScenarioRunner tickStepped() {
    tickStepped = true;
    return this;
  }

  /** Adds a line to the report's notes. */
  public ScenarioRunner note(String line) {
    notes.add(line);
    return this;
  }

  /**
   * Builds the tree, runs the workloads for the scenario's duration and reports.
   *
   * @throws ScenarioException when the tree or a workload refers to something the hierarchy refuses
   */
  public Report run() {
    new TreeBuilder(fs, controllers, device).build(scenario);
    List<Tenant> all = scenario.allTenants();
    workloads.start();
    long duration = scenario.durationNanos();
    long tick = scenario.tickNanos();
    List<Tenant> leaves = all.stream().filter(t -> t.children().isEmpty()).toList();
    ShareReference reference = new ShareReference(fs, files, all, devices.get(device), workloads, controllers.contains("cpu"));
    long period = reference.longestCapPeriodNanos();
    Sampler sampler = new Sampler(files, all, duration, tick, scenario.samples(), reference, period);
    if (sampler.interval() > Math.max(tick, duration / scenario.samples())) {
      notes.add("samples every " + Durations.format(sampler.interval()) + " instead of " + scenario.samples()
          + " over the run: " + (sampler.interval() % Math.max(period, 1) == 0 && period > 0
              ? "a whole number of cpu.max periods (" + Durations.format(period) + "), so that a capped tenant's"
                  + " bursts average out in the charts"
              : "the charts keep at most " + Sampler.MAX_POINTS + " values for " + all.size() + " tenants"));
    }
    sampler.start();
    List<Timed> timeline = timeline(all);
    int nextTimed = 0;
    workloads.refreshFrozen(this::frozen);

    List<DrmDevice> used = workloads.devices();
    files.keepOpen();
    long startWall = System.nanoTime();
    try {
      for (long now = 0; now < duration; ) {
        long step = Math.min(tick, duration - now);
        if (nextTimed < timeline.size() && timeline.get(nextTimed).write().atNanos() <= now) {
          while (nextTimed < timeline.size() && timeline.get(nextTimed).write().atNanos() <= now) {
            apply(timeline.get(nextTimed++), now);
          }
          workloads.refreshFrozen(this::frozen);
          reference.changed(now); // a weight, cap or mask written, a tenant frozen: a new interval of the reference
        }
        reference.at(now);
        if (tickStepped) {
          workloads.step(now, step);
        } else {
          workloads.stepDue(now, step);
        }
        for (DrmDevice d : used) {
          d.runFor(step);
        }
        now += step;
        events++;
        if (sampler.maybeSample(now, now == duration)) {
          events++;
          if (progress != Progress.NONE) { // the text costs more than the sample: built only for someone who shows it
            progress.update(now / (double) duration, Durations.format(now) + " of " + Durations.format(duration));
          }
        }
      }
    } finally {
      files.closeAll();
    }
    long wall = System.nanoTime() - startWall;
    progress.finish();

    reference.finish(duration);
    long totalUsage = 0;
    double totalReference = 0;
    for (Tenant t : leaves) {
      totalUsage += files.usageUsec(t.path()) - sampler.startUsage(t);
      totalReference += reference.usage(t, duration);
    }
    if (!reference.enabled()) {
      notes.add("no reference share: the cpu controller does not govern " + device);
    }
    workloads.countLiveEvictions();
    List<TenantReport> reports = new ArrayList<>();
    for (Tenant t : all) {
      double ref = !reference.enabled() ? Double.NaN : totalReference <= 0 ? 0 : reference.usage(t, duration) / totalReference;
      reports.add(tenantReport(t, totalUsage, sampler.startUsage(t), ref, reference.enabled() ? reference.limitedBy(t) : "",
          sampler.pressure(t, duration)));
    }
    Report report = new Report(scenario.name(), scenario.description(), device, region, duration, wall, events + workloads.events(), reports,
        sampler.series(), notes);
    fdinfo.putAll(workloads.fdinfo());
    clients.addAll(workloads.clients());
    return report;
  }

  /** A tenant's write at a time. */
  private record Timed(Tenant tenant, TimedWrite write) {}

  /** Every tenant's writes at a time, in time order (tree order, then file order, among equal times). */
  private static List<Timed> timeline(List<Tenant> all) {
    List<Timed> out = new ArrayList<>();
    for (Tenant t : all) {
      for (TimedWrite w : t.schedule()) {
        out.add(new Timed(t, w));
      }
    }
    out.sort(java.util.Comparator.comparingLong(x -> x.write().atNanos()));
    return out;
  }

  private void apply(Timed t, long now) {
    String file = t.tenant().path() + "/" + t.write().file();
    String what = "at " + Durations.format(now) + ": " + file + " " + t.write().value();
    try {
      fs.write(file, t.write().value());
      notes.add(what);
    } catch (CgroupException e) {
      notes.add(what + " refused: " + e.errno().name() + ": " + e.getMessage());
    }
    events++;
  }

  /** Whether the tasks of tenant {@code t} are frozen now ({@code frozen 1} in its {@code cgroup.events}). */
  private boolean frozen(Tenant t) {
    try {
      return fs.read(t.path() + "/cgroup.events").lines().anyMatch(l -> l.equals("frozen 1"));
    } catch (CgroupException e) {
      return false;
    }
  }

  /**
   * Lets go of the workloads' buffers and clients (after the caller has looked at the final state),
   * so the device can unplug cleanly at shutdown. Idempotent.
   */
  public void release() {
    workloads.release();
  }

  private TenantReport tenantReport(Tenant t, long totalUsage, long startUsage, double referenceShare, String limitedBy,
      Report.Pressure pressure) {
    String p = t.path();
    Map<String, Long> events = new LinkedHashMap<>();
    try {
      Keyed.parseFlat(files.read(p, "memory", "events")).forEach((k, v) -> events.put(k, Long.parseLong(v)));
    } catch (CgroupException | NumberFormatException e) {
      // no memory controller for this device: no events to show
    }
    TenantStats s = sum(t);
    long usage = files.usageUsec(p);
    double share = totalUsage == 0 ? 0 : (usage - startUsage) / (double) totalUsage;
    return new TenantReport(p, t.children().isEmpty(),
        files.readLong(p, "memory", "current", 0),
        files.readLong(p, "memory", "peak", 0),
        files.readLong(p, "memory", "max", ByteSize.MAX),
        events,
        files.readLong(p, "memory", "swap.current", 0),
        files.readLong(p, "memory", "swap.max", ByteSize.MAX),
        s.evictions, s.failed, s.allocations, usage, share,
        referenceShare, limitedBy, pressure, extra(p));
  }

  /**
   * Figures of other controllers and other devices: third-party ones on the scenario's device,
   * everything on plugin devices, keyed {@code <device>/<file>}; defaults are left out.
   */
  private Map<String, String> extra(String p) {
    Map<String, String> extra = new LinkedHashMap<>();
    List<String> others = new ArrayList<>(pluginDevices.keySet());
    others.add(0, device);
    for (String dev : others) {
      for (String c : sortedControllers) {
        if (dev.equals(device) && BUILT_IN.contains(c)) {
          continue;
        }
        for (String f : List.of("current", "max", "events")) {
          String path = (p.equals("/") ? "" : p) + "/" + c + ".devices/" + dev + "/" + c + "." + f;
          try {
            String v = fs.read(path).strip().replace("\n", "; ");
            // defaults say nothing: show what is set or used
            if (!v.isEmpty() && !v.equals("0") && !v.equals("max") && !ALL_ZERO.matcher(v).matches()) {
              extra.put(dev + "/" + c + "." + f, v);
            }
          } catch (CgroupException e) {
            // the controller does not govern this device, or the file is not on this cgroup
          }
        }
      }
    }
    return extra;
  }

  private TenantStats sum(Tenant t) {
    TenantStats total = new TenantStats();
    total.add(workloads.stats(t.path()));
    for (Tenant c : t.children()) {
      total.add(sum(c));
    }
    return total;
  }
}
