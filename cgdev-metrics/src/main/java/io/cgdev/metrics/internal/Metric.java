package io.cgdev.metrics.internal;

import io.prometheus.metrics.model.snapshots.Unit;
import java.util.HashMap;
import java.util.Map;

/**
 * Every metric family the endpoint serves, with the file it comes from. docs/METRICS.md lists the
 * same table (a test compares them). Counter names are given without {@code _total}: the Prometheus
 * client adds it when it writes a counter, as its naming rules require.
 *
 * <p>Each family is made by the rule of its kind of file, so that a name, unit and label follow from
 * the file: a single-value memory file {@code memory.x.y} is the gauge {@code cgdev_memory_x_y_bytes}
 * per region; a keyed events file is a counter per key; a {@code cpu.stat} key in microseconds is a
 * counter in seconds.
 *
 * <p>Labels: every per-cgroup family carries {@code cgroup} (the path, {@code /} for the root) and
 * {@code device}; the label named in {@link #extraLabel} is added where the file has one more
 * dimension. The DCGM families carry {@code gpu} and {@code device} (both the device's name).
 */
public enum Metric {
  MEMORY_CURRENT(memory("memory.current"), "Device memory charged to the cgroup and its descendants."),
  MEMORY_MIN(memory("memory.min"), "Hard protection of device memory (memory.min)."),
  MEMORY_LOW(memory("memory.low"), "Best-effort protection of device memory (memory.low)."),
  MEMORY_HIGH(memory("memory.high"), "Device memory throttle limit (memory.high); +Inf for max."),
  MEMORY_MAX(memory("memory.max"), "Device memory hard limit (memory.max); +Inf for max."),
  MEMORY_PEAK(memory("memory.peak"), "Highest device memory usage recorded (memory.peak)."),
  MEMORY_CAPACITY(memory("memory.capacity"), "Size of the device's memory (memory.capacity, root only)."),
  MEMORY_SWAP_CURRENT(memory("memory.swap.current"), "Device memory of the cgroup swapped out (memory.swap.current)."),
  MEMORY_SWAP_MAX(memory("memory.swap.max"), "Swap limit (memory.swap.max); +Inf for max."),
  MEMORY_SWAP_PEAK(memory("memory.swap.peak"), "Highest swap usage recorded (memory.swap.peak)."),
  MEMORY_EVENTS(events("memory.events"),
      "Memory events by kind (memory.events: low, high, max, oom, oom_kill, ...), hierarchical."),
  MEMORY_SWAP_EVENTS(events("memory.swap.events"),
      "Swap events by kind (memory.swap.events: high, max, fail)."),
  CPU_USAGE(microseconds("usage_usec", "usage"), "Device time used by the cgroup and its descendants, all engines."),
  CPU_ENGINE_USAGE(new Kind("cgdev_cpu_engine_usage_seconds", true, Unit.SECONDS, "cpu.stat usage_usec.<engine>",
      "engine"), "Device time used by the cgroup and its descendants, per engine."),
  CPU_THROTTLED(microseconds("throttled_usec", "throttled"), "Time the cgroup was throttled by cpu.max."),
  CPU_PERIODS(periods("nr_periods", "cgdev_cpu_periods"), "cpu.max enforcement periods that ended while the cgroup was active."),
  CPU_THROTTLED_PERIODS(periods("nr_throttled", "cgdev_cpu_throttled_periods"),
      "cpu.max periods in which the cgroup ran out of quota."),
  CPU_WEIGHT(new Kind("cgdev_cpu_weight", false, null, "cpu.weight", null),
      "Share of device time among active siblings (cpu.weight, 1..10000)."),
  PRESSURE_WAITING(pressure("waiting", "some"),
      "Time in which some of the cgroup's clients stalled on the resource (PSI some total)."),
  PRESSURE_STALLED(pressure("stalled", "full"),
      "Time in which all of the cgroup's clients stalled on the resource (PSI full total)."),
  DCGM_FB_USED(dcgm("DCGM_FI_DEV_FB_USED", "root memory.current"),
      "Framebuffer memory used (in MiB): the device's memory charged, as DCGM names it."),
  DCGM_FB_FREE(dcgm("DCGM_FI_DEV_FB_FREE", "root memory.capacity - memory.current"),
      "Framebuffer memory free (in MiB): the device's capacity less its memory charged, as DCGM names it."),
  DCGM_GPU_UTIL(dcgm("DCGM_FI_DEV_GPU_UTIL", "root cpu.stat usage_usec.<engine>"),
      "GPU utilization (in %): the busiest engine's share of wall time since the previous scrape, as DCGM names it."),
  SCRAPE_CGROUPS(new Kind("cgdev_scrape_cgroups", false, null, "(the walk)", null), "Cgroups this scrape walked."),
  SCRAPE_DURATION(new Kind("cgdev_scrape_duration_seconds", false, Unit.SECONDS, "(the walk)", null),
      "Time this scrape took to walk the tree and read its files (and, for the text format, write it).");

  /** What a family is: its name, type, unit, origin and extra label. */
  private record Kind(String family, boolean counter, Unit unit, String source, String extraLabel) {}

  /** A single-value memory file: {@code memory.swap.max} is the gauge {@code cgdev_memory_swap_max_bytes}. */
  private static Kind memory(String file) {
    return new Kind("cgdev_" + file.replace('.', '_') + "_bytes", false, Unit.BYTES, file, "region");
  }

  /** A keyed events file: {@code memory.events} is the counter {@code cgdev_memory_events} per key. */
  private static Kind events(String file) {
    return new Kind("cgdev_" + file.replace('.', '_'), true, null, file, "event");
  }

  /** A {@code cpu.stat} key in microseconds: {@code usage_usec} is {@code cgdev_cpu_usage_seconds}. */
  private static Kind microseconds(String key, String name) {
    return new Kind("cgdev_cpu_" + name + "_seconds", true, Unit.SECONDS, "cpu.stat " + key, null);
  }

  /** A {@code cpu.stat} count of periods. */
  private static Kind periods(String key, String family) {
    return new Kind(family, true, null, "cpu.stat " + key, null);
  }

  /** A pressure file's {@code some}/{@code full} total: {@code cgdev_pressure_<name>_seconds} per resource. */
  private static Kind pressure(String name, String line) {
    return new Kind("cgdev_pressure_" + name + "_seconds", true, Unit.SECONDS, "<resource>.pressure " + line + " total",
        "resource");
  }

  /** A DCGM gauge of a device, from the root's files. */
  private static Kind dcgm(String family, String source) {
    return new Kind(family, false, null, source, null);
  }

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

  Metric(Kind kind, String help) {
    this.family = kind.family();
    this.counter = kind.counter();
    this.unit = kind.unit();
    this.source = kind.source();
    this.extraLabel = kind.extraLabel();
    this.help = help;
  }

  private static final Map<String, Metric> BY_FILE = new HashMap<>();
  private static final Map<String, Metric> BY_CPU_STAT_KEY = new HashMap<>();

  static {
    for (Metric m : values()) {
      if (m.source.startsWith("cpu.stat ") && m.extraLabel == null) {
        BY_CPU_STAT_KEY.put(m.source.substring("cpu.stat ".length()), m);
      } else if (m.source.matches("[a-z]+(\\.[a-z]+)+")) {
        BY_FILE.put(m.source, m);
      }
    }
  }

  /**
   * The family a file of a per-device folder gives whole: a single-value file ({@code memory.max},
   * {@code cpu.weight}: a gauge) or a keyed events file (a counter per key); null for any other file.
   */
  public static Metric ofFile(String file) {
    return BY_FILE.get(file);
  }

  /** The family of a {@code cpu.stat} key other than the per-engine ones, or null. */
  public static Metric ofCpuStatKey(String key) {
    return BY_CPU_STAT_KEY.get(key);
  }

  /** Whether the values are microseconds shown as seconds. */
  public boolean inMicroseconds() {
    return unit == Unit.SECONDS && source.contains("usec");
  }

  /** The name a scrape shows: the family, with {@code _total} for counters. */
  public String exposedName() {
    return counter ? family + "_total" : family;
  }
}
