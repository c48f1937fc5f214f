package io.cgdev.sim;

import io.cgdev.sim.report.Report;
import io.cgdev.sim.scenario.Scenario.Tenant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The time series of a run: at each sample, every leaf's share of the device time used since the
 * sample before ({@code cpu.stat usage_usec}), its reference share over the same time ({@link
 * ShareReference}), the part of the interval in which its clients stalled ({@code some} of its {@code
 * cpu.pressure} and {@code memory.pressure}: the growth of their {@code total=} over the interval's length)
 * and every tenant's {@code memory.current}; and every tenant's pressure totals at the start and the end
 * of the run, for its stall fractions ({@link #pressure}). Only tenants
 * with a workload in their subtree are read: the others hold no task, so their usage and memory stay
 * 0 and their series are filled without a file read. The sampling interval is widened, with a note,
 * so that samples × series stays within {@link #MAX_POINTS}: what a run keeps for its charts does
 * not grow with the product of tenants and samples. Simulating thread only.
 */
final class Sampler {
  /** At most about this many values over all series (samples × (4 × leaves + tenants)). */
  static final long MAX_POINTS = 1_000_000;
  /** The pressure files read, in this order: {@code cpu.pressure}, {@code memory.pressure}. */
  private static final String[] PRESSURE = {"cpu", "memory"};
  /** Indices in a tenant's {@link #sampled}: {@code cpu.stat}, {@code memory.current}, the first pressure file. */
  private static final int STAT = 0;
  private static final int CURRENT = 1;
  private static final int PRESSURE_FILES = 2;

  private final TenantFiles files;
  private final ShareReference reference;
  private final List<Tenant> tenants;
  private final Map<Tenant, Integer> index = new IdentityHashMap<>();
  private final int[] leaves;
  private final boolean[] active;
  private final long[] startUsage;
  private final long[] lastUsage;
  private final long[] delta;
  private final double[] lastReference;
  private final double[] referenceDelta;
  private final long every;
  private final int capacity;
  private final List<Long> times = new ArrayList<>();
  private final double[][] share;
  private final double[][] referenceShare;
  private final long[][] memory;
  /** Per pressure file, whether any tenant has it (the controller governs the device). */
  private final boolean[] pressureSeen = new boolean[PRESSURE.length];
  /** Per pressure file and tenant: {@code some} and {@code full} totals (µs) at {@link #start}. */
  private final long[][][] startStall;
  /** Per pressure file and tenant: the {@code some} total (µs) at the last sample. */
  private final long[][] lastSome;
  /** Per pressure file and leaf: the part of each interval stalled ({@code some}). */
  private final double[][][] some;
  private final long[] totals = new long[2];
  /**
   * Per active tenant, the files each sample reads ({@code cpu.stat}, {@code memory.current}, then the
   * pressure files), kept with their handles; null for a tenant without workloads in its subtree.
   */
  private final TenantFiles.Kept[][] sampled;
  private long lastTime;
  private long next;

  /**
   * @param tenants every tenant, parents first
   * @param durationNanos the simulated time of the run
   * @param tickNanos the simulation step (a sample is taken at the end of a step)
   * @param requested the number of samples the scenario asks for
   * @param reference the fluid reference, read at each sample as usage is
   * @param periodNanos the longest {@code cpu.max} period of a capped tenant (0: none): the interval is
   *     rounded up to a multiple of it, else a capped tenant's share swings from sample to sample with
   *     the bursts its cap allows (its reference is the average over a period)
   */
  Sampler(TenantFiles files, List<Tenant> tenants, long durationNanos, long tickNanos, int requested,
      ShareReference reference, long periodNanos) {
    this.files = files;
    this.reference = reference;
    this.tenants = List.copyOf(tenants);
    this.active = new boolean[this.tenants.size()];
    List<Integer> leafIndices = new ArrayList<>();
    for (int i = 0; i < this.tenants.size(); i++) {
      Tenant t = this.tenants.get(i);
      index.put(t, i);
      active[i] = hasWorkloads(t);
      if (t.children().isEmpty()) {
        leafIndices.add(i);
      }
    }
    this.leaves = leafIndices.stream().mapToInt(Integer::intValue).toArray();
    long series = Math.max(1, (long) this.tenants.size() + 4L * leaves.length);
    long samples = Math.max(2, Math.min(requested, MAX_POINTS / series));
    long interval = Math.max(tickNanos, durationNanos / samples);
    this.every = periodNanos > 0 && interval % periodNanos != 0 ? (interval / periodNanos + 1) * periodNanos : interval;
    // a sample at the end of the step that reaches each multiple of `every`, and one at the end
    this.capacity = (int) Math.min(Integer.MAX_VALUE - 8, durationNanos / every + 2);
    this.next = every;
    this.startUsage = new long[this.tenants.size()];
    this.lastUsage = new long[this.tenants.size()];
    this.delta = new long[this.tenants.size()];
    this.lastReference = new double[this.tenants.size()];
    this.referenceDelta = new double[this.tenants.size()];
    this.share = new double[leaves.length][];
    this.referenceShare = new double[leaves.length][];
    this.memory = new long[this.tenants.size()][];
    this.startStall = new long[PRESSURE.length][this.tenants.size()][2];
    this.lastSome = new long[PRESSURE.length][this.tenants.size()];
    this.some = new double[PRESSURE.length][leaves.length][];
    this.sampled = new TenantFiles.Kept[this.tenants.size()][];
    for (int i = 0; i < this.tenants.size(); i++) {
      if (active[i]) {
        String p = this.tenants.get(i).path();
        sampled[i] = new TenantFiles.Kept[] {files.kept(files.file(p, "cpu", "stat")),
          files.kept(files.file(p, "memory", "current")), files.kept(files.file(p, PRESSURE[0], "pressure")),
          files.kept(files.file(p, PRESSURE[1], "pressure"))};
      }
    }
  }

  private static boolean hasWorkloads(Tenant t) {
    if (!t.workloads().isEmpty()) {
      return true;
    }
    for (Tenant c : t.children()) {
      if (hasWorkloads(c)) {
        return true;
      }
    }
    return false;
  }

  /** The simulated time between samples. */
  long interval() {
    return every;
  }

  /** Reads every tenant's usage at the start, before any workload runs. */
  void start() {
    for (int i = 0; i < tenants.size(); i++) {
      long u = active[i] ? files.usageUsec(sampled[i][STAT]) : 0;
      startUsage[i] = u;
      lastUsage[i] = u;
      for (int c = 0; c < PRESSURE.length; c++) {
        if (active[i] && files.pressureTotals(sampled[i][PRESSURE_FILES + c], totals)) {
          pressureSeen[c] = true;
          startStall[c][i][0] = totals[0];
          startStall[c][i][1] = totals[1];
          lastSome[c][i] = totals[0];
        }
      }
    }
  }

  /**
   * A tenant's stall fractions over the run that ended at {@code durationNanos}: each pressure total's
   * growth since {@link #start}, read now, over the run's time. A tenant without workloads in its subtree
   * held no client and stalled never (0, without a read); NaN where its controller has no pressure file.
   */
  Report.Pressure pressure(Tenant t, long durationNanos) {
    int i = index.get(t);
    double[] f = new double[2 * PRESSURE.length];
    for (int c = 0; c < PRESSURE.length; c++) {
      boolean read = pressureSeen[c] && active[i] && files.pressureTotals(sampled[i][PRESSURE_FILES + c], totals);
      for (int k = 0; k < 2; k++) {
        f[2 * c + k] = !pressureSeen[c] ? Double.NaN
            : !read || durationNanos <= 0 ? 0 : (totals[k] - startStall[c][i][k]) * 1000.0 / durationNanos;
      }
    }
    return new Report.Pressure(f[0], f[1], f[2], f[3]);
  }

  /** A tenant's usage at {@link #start}. */
  long startUsage(Tenant t) {
    return startUsage[index.get(t)];
  }

  /** After a step that ended at {@code now}: takes a sample if one is due ({@code last}: the run's end). */
  boolean maybeSample(long now, boolean last) {
    if (now < next && !last) {
      return false;
    }
    next += every;
    sample(now);
    return true;
  }

  private void sample(long now) {
    int k = times.size();
    if (k >= capacity) {
      return;
    }
    times.add(now);
    long total = 0;
    double referenceTotal = 0;
    for (int i : leaves) {
      if (active[i]) {
        long u = files.usageUsec(sampled[i][STAT]);
        delta[i] = u - lastUsage[i];
        lastUsage[i] = u;
        total += delta[i];
        double r = reference.usage(tenants.get(i), now);
        referenceDelta[i] = r - lastReference[i];
        lastReference[i] = r;
        referenceTotal += referenceDelta[i];
      }
    }
    for (int l = 0; l < leaves.length; l++) {
      int i = leaves[l];
      if (share[l] == null) {
        share[l] = new double[capacity];
        referenceShare[l] = new double[capacity];
      }
      share[l][k] = !active[i] || total == 0 ? 0.0 : delta[i] / (double) total;
      referenceShare[l][k] = !active[i] || referenceTotal <= 0 ? 0.0 : referenceDelta[i] / referenceTotal;
      for (int c = 0; c < PRESSURE.length; c++) {
        if (!pressureSeen[c]) {
          continue;
        }
        if (some[c][l] == null) {
          some[c][l] = new double[capacity];
        }
        double stalled = 0;
        if (active[i] && now > lastTime && files.pressureTotals(sampled[i][PRESSURE_FILES + c], totals)) {
          // µs of the file over ns of the interval; the totals are exact on the device clock, so a part
          // above 1 is a rounding of the µs at the interval's ends
          stalled = Math.min(1, (totals[0] - lastSome[c][i]) * 1000.0 / (now - lastTime));
          lastSome[c][i] = totals[0];
        }
        some[c][l][k] = stalled;
      }
    }
    lastTime = now;
    for (int i = 0; i < tenants.size(); i++) {
      if (memory[i] == null) {
        memory[i] = new long[capacity];
      }
      memory[i][k] = active[i] ? files.readLong(sampled[i][CURRENT], 0) : 0;
    }
  }

  /** The samples taken, for the report. */
  Report.Series series() {
    int n = times.size();
    Map<String, List<Double>> shares = new LinkedHashMap<>();
    Map<String, List<Double>> references = new LinkedHashMap<>();
    for (int l = 0; l < leaves.length; l++) {
      double[] s = share[l] == null ? new double[0] : share[l];
      shares.put(tenants.get(leaves[l]).path(), Arrays.stream(s, 0, n).boxed().toList());
      if (reference.enabled()) {
        double[] r = referenceShare[l] == null ? new double[0] : referenceShare[l];
        references.put(tenants.get(leaves[l]).path(), Arrays.stream(r, 0, n).boxed().toList());
      }
    }
    Map<String, List<Long>> memories = new LinkedHashMap<>();
    for (int i = 0; i < tenants.size(); i++) {
      long[] m = memory[i] == null ? new long[0] : memory[i];
      memories.put(tenants.get(i).path(), Arrays.stream(m, 0, n).boxed().toList());
    }
    List<Map<String, List<Double>>> stalls = new ArrayList<>();
    for (int c = 0; c < PRESSURE.length; c++) {
      Map<String, List<Double>> m = new LinkedHashMap<>();
      for (int l = 0; pressureSeen[c] && l < leaves.length; l++) {
        double[] s = some[c][l] == null ? new double[0] : some[c][l];
        m.put(tenants.get(leaves[l]).path(), Arrays.stream(s, 0, n).boxed().toList());
      }
      stalls.add(m);
    }
    return new Report.Series(times, shares, references, memories, stalls.get(0), stalls.get(1));
  }
}
