package io.cgdev.metrics.internal;

import io.prometheus.metrics.model.snapshots.Unit;

/**
 * Every metric family the endpoint serves, with the file it comes from. docs/METRICS.md lists the
 * same table (a test compares them). Counter names are given without {@code _total}: the Prometheus
 * client adds it when it writes a counter, as its naming rules require.
 *
 * <p>Labels: every per-cgroup family carries {@code cgroup} (the path, {@code /} for the root) and
 * {@code device}; the label named in {@link #extraLabel} is added where the file has one more
 * dimension. The DCGM families carry {@code gpu} and {@code device} (both the device's name).
 */
public enum Metric {
  MEMORY_CURRENT("cgdev_memory_current_bytes", false, Unit.BYTES, "memory.current", "region",
      "Device memory charged to the cgroup and its descendants."),
  MEMORY_MIN("cgdev_memory_min_bytes", false, Unit.BYTES, "memory.min", "region",
      "Hard protection of device memory (memory.min)."),
  MEMORY_LOW("cgdev_memory_low_bytes", false, Unit.BYTES, "memory.low", "region",
      "Best-effort protection of device memory (memory.low)."),
  MEMORY_HIGH("cgdev_memory_high_bytes", false, Unit.BYTES, "memory.high", "region",
      "Device memory throttle limit (memory.high); +Inf for max."),
  MEMORY_MAX("cgdev_memory_max_bytes", false, Unit.BYTES, "memory.max", "region",
      "Device memory hard limit (memory.max); +Inf for max."),
  MEMORY_PEAK("cgdev_memory_peak_bytes", false, Unit.BYTES, "memory.peak", "region",
      "Highest device memory usage recorded (memory.peak)."),
  MEMORY_CAPACITY("cgdev_memory_capacity_bytes", false, Unit.BYTES, "memory.capacity", "region",
      "Size of the device's memory (memory.capacity, root only)."),
  MEMORY_EVENTS("cgdev_memory_events", true, null, "memory.events", "event",
      "Memory events by kind (memory.events: low, high, max, oom, oom_kill, ...), hierarchical."),
  MEMORY_SWAP_CURRENT("cgdev_memory_swap_current_bytes", false, Unit.BYTES, "memory.swap.current", "region",
      "Device memory of the cgroup swapped out (memory.swap.current)."),
  MEMORY_SWAP_MAX("cgdev_memory_swap_max_bytes", false, Unit.BYTES, "memory.swap.max", "region",
      "Swap limit (memory.swap.max); +Inf for max."),
  MEMORY_SWAP_PEAK("cgdev_memory_swap_peak_bytes", false, Unit.BYTES, "memory.swap.peak", "region",
      "Highest swap usage recorded (memory.swap.peak)."),
  MEMORY_SWAP_EVENTS("cgdev_memory_swap_events", true, null, "memory.swap.events", "event",
      "Swap events by kind (memory.swap.events: high, max, fail)."),
  CPU_USAGE("cgdev_cpu_usage_seconds", true, Unit.SECONDS, "cpu.stat usage_usec", null,
      "Device time used by the cgroup and its descendants, all engines."),
  CPU_ENGINE_USAGE("cgdev_cpu_engine_usage_seconds", true, Unit.SECONDS, "cpu.stat usage_usec.<engine>", "engine",
      "Device time used by the cgroup and its descendants, per engine."),
  CPU_THROTTLED("cgdev_cpu_throttled_seconds", true, Unit.SECONDS, "cpu.stat throttled_usec", null,
      "Time the cgroup was throttled by cpu.max."),
  CPU_PERIODS("cgdev_cpu_periods", true, null, "cpu.stat nr_periods", null,
      "cpu.max enforcement periods that ended while the cgroup was active."),
  CPU_THROTTLED_PERIODS("cgdev_cpu_throttled_periods", true, null, "cpu.stat nr_throttled", null,
      "cpu.max periods in which the cgroup ran out of quota."),
  CPU_WEIGHT("cgdev_cpu_weight", false, null, "cpu.weight", null,
      "Share of device time among active siblings (cpu.weight, 1..10000)."),
  PRESSURE_WAITING("cgdev_pressure_waiting_seconds", true, Unit.SECONDS, "<resource>.pressure some total", "resource",
      "Time in which some of the cgroup's clients stalled on the resource (PSI some total)."),
  PRESSURE_STALLED("cgdev_pressure_stalled_seconds", true, Unit.SECONDS, "<resource>.pressure full total", "resource",
      "Time in which all of the cgroup's clients stalled on the resource (PSI full total)."),
  DCGM_FB_USED("DCGM_FI_DEV_FB_USED", false, null, "root memory.current", null,
      "Framebuffer memory used (in MiB): the device's memory charged, as DCGM names it."),
  DCGM_FB_FREE("DCGM_FI_DEV_FB_FREE", false, null, "root memory.capacity - memory.current", null,
      "Framebuffer memory free (in MiB): the device's capacity less its memory charged, as DCGM names it."),
  DCGM_GPU_UTIL("DCGM_FI_DEV_GPU_UTIL", false, null, "root cpu.stat usage_usec.<engine>", null,
      "GPU utilization (in %): the busiest engine's share of wall time since the previous scrape, as DCGM names it."),
  SCRAPE_CGROUPS("cgdev_scrape_cgroups", false, null, "(the walk)", null,
      "Cgroups this scrape walked."),
  SCRAPE_DURATION("cgdev_scrape_duration_seconds", false, Unit.SECONDS, "(the walk)", null,
      "Time this scrape took to walk the tree and read its files.");

  /** The family's name as written (counters get {@code _total} from the writer). */
  public final String family;
  /** Counter (true) or gauge. */
  public final boolean counter;
  /** The unit, or null. */
  public final Unit unit;
  /** The file (and key) the values come from, for the docs. */
  public final String source;
  /** The label beyond {@code cgroup} and {@code device}, or null. */
  public final String extraLabel;
  /** The HELP text. */
  public final String help;

  Metric(String family, boolean counter, Unit unit, String source, String extraLabel, String help) {
    this.family = family;
    this.counter = counter;
    this.unit = unit;
    this.source = source;
    this.extraLabel = extraLabel;
    this.help = help;
  }

  private static final java.util.Map<String, Metric> SINGLE_VALUE_FILES = new java.util.HashMap<>();

  static {
    for (Metric m : values()) {
      if (!m.counter && m.source.matches("[a-z]+(\\.[a-z]+)+")) {
        SINGLE_VALUE_FILES.put(m.source, m);
      }
    }
  }

  /**
   * The gauge a single-value file gives ({@code memory.max}, {@code cpu.weight}, ...: the gauges whose
   * source is a bare file name), or null for any other file.
   */
  public static Metric singleValueFile(String file) {
    return SINGLE_VALUE_FILES.get(file);
  }

  /** The name a scrape shows: the family, with {@code _total} for counters. */
  public String exposedName() {
    return counter ? family + "_total" : family;
  }
}
