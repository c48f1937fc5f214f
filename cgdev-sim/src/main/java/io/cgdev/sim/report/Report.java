package io.cgdev.sim.report;

import java.util.List;
import java.util.Map;

/**
 * The outcome of a scenario run: per-tenant figures at the end and time series for the charts.
 * Immutable; made by the scenario runner, written by {@link ReportWriter}.
 *
 * @param scenario the scenario's name
 * @param description its description
 * @param device the device the figures are about
 * @param region the device memory the memory figures are about: the region the device's memory
 *     registration governs, e.g. {@code local0}
 * @param durationNanos simulated time run
 * @param wallNanos wall-clock time the simulation took
 * @param events simulation events processed (batches submitted, buffers allocated and freed, samples)
 * @param tenants one entry per cgroup of the scenario, parents first
 * @param series the samples over time
 * @param notes free-form lines about the run (e.g. plugins loaded)
 */
public record Report(
    String scenario,
    String description,
    String device,
    String region,
    long durationNanos,
    long wallNanos,
    long events,
    List<TenantReport> tenants,
    Series series,
    List<String> notes) {

  public Report {
    tenants = List.copyOf(tenants);
    notes = List.copyOf(notes);
  }

  /** Simulation throughput: events per wall-clock second. */
  public double eventsPerSecond() {
    return wallNanos == 0 ? 0 : events * 1e9 / wallNanos;
  }

  /** The sum of the device-time shares of the leaf tenants (about 1 when the device was busy). */
  public double leafShareSum() {
    return tenants.stream().filter(TenantReport::leaf).mapToDouble(TenantReport::share).sum();
  }

  /**
   * The leaf tenant whose measured share is furthest from its reference share, if any tenant has a
   * reference (the summary line shows it: the run's largest error).
   */
  public java.util.Optional<TenantReport> largestError() {
    return tenants.stream().filter(t -> t.leaf() && !Double.isNaN(t.error()))
        .max(java.util.Comparator.comparingDouble(t -> Math.abs(t.error())));
  }

  /**
   * One cgroup's figures at the end of the run.
   *
   * @param path the cgroup
   * @param leaf true if it has no child cgroups in the scenario
   * @param memoryCurrent {@code memory.current} on the device, bytes
   * @param memoryPeak {@code memory.peak}, bytes
   * @param memoryMax {@code memory.max}, bytes ({@link io.cgdev.api.ByteSize#MAX} for max)
   * @param memoryEvents {@code memory.events}: low, high, max, oom, oom_kill, ...
   * @param swapCurrent {@code memory.swap.current}: bytes of its buffers evicted to system memory
   * @param swapMax {@code memory.swap.max}, bytes ({@link io.cgdev.api.ByteSize#MAX} for max)
   * @param evictions buffers of this cgroup's workloads evicted from their preferred region
   * @param failedAllocations buffer allocations refused
   * @param allocations buffer allocations that succeeded
   * @param usageUsec device time used ({@code cpu.stat usage_usec})
   * @param share its part of all device time used by the scenario's leaves (0..1)
   * @param referenceShare its part of the device time under the fluid model (io.cgdev.sim.fluid) over
   *     the run: weights, caps, masks, demands and their changes in time taken into account (0..1);
   *     NaN when there is no reference (no cpu controller on the device)
   * @param limitedBy what held it to its reference share, e.g. {@code weight}, {@code demand}, {@code
   *     cpu.max of /batch}, or several with the part of the time ({@code weight 67%, demand 33%});
   *     empty for a tenant that never wanted device time and for tenants with children
   * @param pressure its stall fractions over the run, from {@code cpu.pressure} and {@code memory.pressure}
   * @param extra further per-device figures from other controllers (e.g. {@code gem.current})
   */
  public record TenantReport(
      String path,
      boolean leaf,
      long memoryCurrent,
      long memoryPeak,
      long memoryMax,
      Map<String, Long> memoryEvents,
      long swapCurrent,
      long swapMax,
      long evictions,
      long failedAllocations,
      long allocations,
      long usageUsec,
      double share,
      double referenceShare,
      String limitedBy,
      Pressure pressure,
      Map<String, String> extra) {
    public TenantReport {
      memoryEvents = Map.copyOf(memoryEvents);
      extra = Map.copyOf(extra);
    }

    /** Measured minus reference share (a fraction of the device time used; NaN without a reference). */
    public double error() {
      return share - referenceShare;
    }
  }

  /**
   * A cgroup's pressure stall information on the device over the run: the growth of the {@code total=}
   * of each line of its {@code cpu.pressure} and {@code memory.pressure} from the run's start to its end,
   * divided by the run's simulated time (0..1). NaN where the file does not exist (the controller does
   * not govern the device).
   *
   * @param cpuSome the part of the time at least one runnable client of the cgroup's subtree waited for an engine
   * @param cpuFull the part of the time its runnable clients waited and none ran
   * @param memorySome the part of the time a charge of the subtree stalled (reclaim, or a refused
   *     allocation waiting to retry)
   * @param memoryFull the same for {@code full}, which the memory controller reports as equal to {@code some}
   */
  public record Pressure(double cpuSome, double cpuFull, double memorySome, double memoryFull) {
    /** No pressure file read: every fraction NaN. */
    public static final Pressure NONE = new Pressure(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
  }

  /**
   * Samples over simulated time.
   *
   * @param timesNanos the sample times
   * @param share per leaf tenant, its share of the device time used in each interval
   * @param referenceShare per leaf tenant, its reference share in each interval (empty without a reference)
   * @param memory per tenant, {@code memory.current} at each sample, bytes
   * @param cpuSome per leaf tenant, the part of each interval in which at least one of its runnable clients
   *     waited for an engine: the growth of {@code cpu.pressure}'s {@code some total=} over the interval's
   *     length (0..1; empty without a cpu controller on the device)
   * @param memorySome per leaf tenant, the same from {@code memory.pressure} (empty without a memory controller)
   */
  public record Series(List<Long> timesNanos, Map<String, List<Double>> share, Map<String, List<Double>> referenceShare,
      Map<String, List<Long>> memory, Map<String, List<Double>> cpuSome, Map<String, List<Double>> memorySome) {
    public Series {
      timesNanos = List.copyOf(timesNanos);
      share = copy(share);
      referenceShare = copy(referenceShare);
      memory = copy(memory);
      cpuSome = copy(cpuSome);
      memorySome = copy(memorySome);
    }

    private static <T> Map<String, List<T>> copy(Map<String, List<T>> m) {
      var out = new java.util.LinkedHashMap<String, List<T>>();
      m.forEach((k, v) -> out.put(k, List.copyOf(v)));
      return java.util.Collections.unmodifiableMap(out);
    }
  }
}
