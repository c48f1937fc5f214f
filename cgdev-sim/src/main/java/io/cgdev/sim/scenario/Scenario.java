package io.cgdev.sim.scenario;

import java.util.List;

/**
 * A parsed scenario: a cgroup tree of tenants with their limits, the workloads that run in them and
 * for how long (docs/SCENARIOS.md). Values of interface files are kept as text here and validated by
 * writing them through the file view, so the rules are those of the controllers themselves.
 *
 * @param source the file name, for messages
 * @param name a short name shown in the report
 * @param description one line for the report, may be empty
 * @param durationNanos simulated time to run
 * @param tickNanos simulated time between workload steps
 * @param samples number of samples the report keeps over the duration
 * @param device the device settings and workloads go to by default; {@code null} means the first
 *     device of the first driver
 * @param tenants the top-level cgroups
 */
public record Scenario(
    String source,
    String name,
    String description,
    long durationNanos,
    long tickNanos,
    int samples,
    String device,
    List<Tenant> tenants) {

  public Scenario {
    tenants = List.copyOf(tenants);
  }

  /** This scenario with another duration (e.g. for a quick test run). */
  public Scenario withDuration(long nanos) {
    return new Scenario(source, name, description, nanos, Math.min(tickNanos, nanos), samples, device, tenants);
  }

  /** Every tenant, parents before children. */
  public List<Tenant> allTenants() {
    List<Tenant> all = new java.util.ArrayList<>();
    for (Tenant t : tenants) {
      t.collect(all);
    }
    return all;
  }

  /**
   * A cgroup of the scenario.
   *
   * @param name the cgroup's name
   * @param path its absolute path, e.g. {@code /training/job-1}
   * @param at where it was declared
   * @param writes interface file writes, in file order, relative to the cgroup
   * @param workloads what runs in it (only in leaves)
   * @param children sub-cgroups
   * @param schedule writes made while the scenario runs ({@code freeze:}, {@code kill:}, {@code
   *     schedule:}), by time, file order among equal times
   */
  public record Tenant(
      String name, String path, Node at, List<Write> writes, List<Workload> workloads, List<Tenant> children,
      List<TimedWrite> schedule) {
    public Tenant {
      writes = List.copyOf(writes);
      workloads = List.copyOf(workloads);
      children = List.copyOf(children);
      schedule = schedule.stream().sorted(java.util.Comparator.comparingLong(TimedWrite::atNanos)).toList();
    }

    void collect(List<Tenant> into) {
      into.add(this);
      for (Tenant c : children) {
        c.collect(into);
      }
    }
  }

  /**
   * One value to write to an interface file.
   *
   * @param controller the controller the file belongs to, or {@code null} for a raw {@code files:}
   *     entry
   * @param device the device of a controller's per-device file, or {@code null} for the scenario's
   * @param key the file name without the controller prefix (e.g. {@code max}), or the raw file's
   *     path relative to the cgroup
   * @param value the text to write
   * @param at where it was declared
   */
  public record Write(String controller, String device, String key, String value, Node at) {
    /** The file relative to the tenant's cgroup, e.g. {@code memory.devices/i915.0/memory.max}. */
    public String file(String defaultDevice) {
      if (controller == null) {
        return key;
      }
      String dev = device == null ? defaultDevice : device;
      return controller + ".devices/" + dev + "/" + controller + "." + key;
    }
  }

  /**
   * A write to one of a tenant's files at a simulated time: {@code freeze: 2s..3s} becomes {@code
   * cgroup.freeze} 1 at 2 s and 0 at 3 s, {@code kill: 4s} {@code cgroup.kill} 1 at 4 s, and each
   * {@code schedule:} entry itself (e.g. {@code memory.reclaim}). Made at the start of the first tick
   * at or after {@code atNanos}.
   *
   * @param atNanos simulated time of the write
   * @param file the file relative to the tenant's cgroup, e.g. {@code cgroup.freeze}
   * @param value the text to write
   * @param at where it was declared
   */
  public record TimedWrite(long atNanos, String file, String value, Node at) {}

  /**
   * A simulated process with a device client.
   *
   * @param name the task's name
   * @param device the device it uses, or {@code null} for the scenario's device
   * @param engineClass the engine class it submits to, e.g. {@code compute}; {@code null} for none
   * @param batchNanos the modelled duration of one batch
   * @param load engines' worth of demand: 1.0 keeps one engine busy if it gets it
   * @param bufferBytes the size of each buffer it allocates; 0 for none
   * @param buffers how many buffers it keeps live
   * @param allocPerSecond new buffers per simulated second once it holds {@code buffers} (the
   *     oldest is freed for each): memory churn; 0 for none
   * @param placements region names, preferred first, e.g. {@code [local0, system0]}
   * @param startNanos simulated time at which it starts
   * @param stopNanos simulated time at which it stops and frees its buffers ({@code Long.MAX_VALUE}: never)
   * @param at where it was declared
   */
  public record Workload(
      String name,
      String device,
      String engineClass,
      long batchNanos,
      double load,
      long bufferBytes,
      int buffers,
      double allocPerSecond,
      List<String> placements,
      long startNanos,
      long stopNanos,
      Node at) {
    public Workload {
      placements = List.copyOf(placements);
    }

    /** Whether the workload runs at simulated time {@code now}. */
    public boolean activeAt(long now) {
      return now >= startNanos && now < stopNanos;
    }
  }
}
