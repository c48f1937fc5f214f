package io.cgdev.metrics.internal;

import io.cgdev.api.CgroupFs;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Turns live trees into Prometheus metrics at every scrape: walks each tree ({@link TreeScan}), reads
 * the per-device files it knows ({@link Metric}) and the root's totals for the DCGM families. Nothing
 * is cached between scrapes but the previous utilization reading, so a removed cgroup or device is
 * gone from the next scrape.
 *
 * <p>Called by the HTTP server's threads, possibly at once; each call works on its own data.
 */
public final class TreeCollector implements MultiCollector {
  private static final double USEC = 1e-6;
  private static final double MIB = 1024.0 * 1024.0;

  /**
   * One tree and the labels that tell it apart from the others served together (none for one tree).
   *
   * @param fs the tree's file view
   * @param labelNames label names added to every point of this tree, e.g. {@code node}
   * @param labelValues their values
   */
  public record Tree(CgroupFs fs, List<String> labelNames, List<String> labelValues) {
    public Tree {
      Objects.requireNonNull(fs, "fs");
      labelNames = List.copyOf(labelNames);
      labelValues = List.copyOf(labelValues);
      if (labelNames.size() != labelValues.size()) {
        throw new IllegalArgumentException("tree labels: " + labelNames + " and values " + labelValues + " differ in number");
      }
    }
  }

  private final List<Tree> trees;
  private final LongSupplier nanoClock;
  private final Utilization utilization = new Utilization();

  /**
   * A collector of these trees; reads each root's {@code cpu.stat} once now, so that the first scrape
   * already has an interval for {@code DCGM_FI_DEV_GPU_UTIL}.
   */
  public TreeCollector(List<Tree> trees, LongSupplier nanoClock) {
    this.trees = List.copyOf(trees);
    this.nanoClock = nanoClock;
    for (int i = 0; i < this.trees.size(); i++) {
      Scrape s = new Scrape(this.trees.get(i), i, new Points());
      TreeScan.walkRoot(this.trees.get(i).fs(), s::deviceFolder);
      s.utilizationOnly();
    }
  }

  @Override
  public MetricSnapshots collect() {
    Points points = new Points();
    Set<String> devices = new HashSet<>();
    for (int i = 0; i < trees.size(); i++) {
      long start = nanoClock.getAsLong();
      Scrape s = new Scrape(trees.get(i), i, points);
      int cgroups = TreeScan.walk(trees.get(i).fs(), s::deviceFolder);
      s.finish(devices);
      Labels treeLabels = Labels.of(s.treeNames, s.treeValues);
      points.add(Metric.SCRAPE_CGROUPS, treeLabels, cgroups);
      points.add(Metric.SCRAPE_DURATION, treeLabels, (nanoClock.getAsLong() - start) / 1e9);
    }
    utilization.retain(devices);
    return points.snapshots();
  }

  /** The root's figures of one device, for the DCGM families. */
  private static final class DeviceTotals {
    double used;
    double capacity;
    boolean hasMemory;
    boolean hasCapacity;
    final Map<String, Double> usecByEngine = new LinkedHashMap<>();
    double usageUsec = Double.NaN;
  }

  /** One walk of one tree. */
  private final class Scrape {
    final Tree tree;
    final int index;
    final Points points;
    final String[] treeNames;
    final String[] treeValues;
    final Map<String, DeviceTotals> roots = new LinkedHashMap<>();

    Scrape(Tree tree, int index, Points points) {
      this.tree = tree;
      this.index = index;
      this.points = points;
      this.treeNames = tree.labelNames().toArray(String[]::new);
      this.treeValues = tree.labelValues().toArray(String[]::new);
    }

    void deviceFolder(String cgroup, String device, String folder, List<String> files) {
      Folder f = new Folder(this, cgroup, device);
      DeviceTotals totals = cgroup.equals("/") ? roots.computeIfAbsent(device, d -> new DeviceTotals()) : null;
      CgroupFs fs = tree.fs();
      for (String file : files) {
        switch (file) {
          case "memory.current" -> {
            FileValues.single(fs.read(folder + "/" + file), (region, v) -> {
              f.value(Metric.MEMORY_CURRENT, region, v);
              if (totals != null) {
                totals.used += v;
                totals.hasMemory = true;
              }
            });
          }
          case "memory.capacity" -> {
            FileValues.single(fs.read(folder + "/" + file), (region, v) -> {
              f.value(Metric.MEMORY_CAPACITY, region, v);
              if (totals != null) {
                totals.capacity += v;
                totals.hasCapacity = true;
              }
            });
          }
          case "memory.min" -> f.single(Metric.MEMORY_MIN, fs.read(folder + "/" + file));
          case "memory.low" -> f.single(Metric.MEMORY_LOW, fs.read(folder + "/" + file));
          case "memory.high" -> f.single(Metric.MEMORY_HIGH, fs.read(folder + "/" + file));
          case "memory.max" -> f.single(Metric.MEMORY_MAX, fs.read(folder + "/" + file));
          case "memory.peak" -> f.single(Metric.MEMORY_PEAK, fs.read(folder + "/" + file));
          case "memory.swap.current" -> f.single(Metric.MEMORY_SWAP_CURRENT, fs.read(folder + "/" + file));
          case "memory.swap.max" -> f.single(Metric.MEMORY_SWAP_MAX, fs.read(folder + "/" + file));
          case "memory.swap.peak" -> f.single(Metric.MEMORY_SWAP_PEAK, fs.read(folder + "/" + file));
          case "memory.events" -> f.events(Metric.MEMORY_EVENTS, fs.read(folder + "/" + file));
          case "memory.swap.events" -> f.events(Metric.MEMORY_SWAP_EVENTS, fs.read(folder + "/" + file));
          case "cpu.weight" -> f.single(Metric.CPU_WEIGHT, fs.read(folder + "/" + file));
          case "cpu.stat" -> f.cpuStat(fs.read(folder + "/" + file), totals);
          default -> {
            if (file.endsWith(".pressure") && file.length() > ".pressure".length()) {
              f.pressure(file.substring(0, file.length() - ".pressure".length()), fs.read(folder + "/" + file));
            }
          }
        }
      }
    }

    /** The DCGM families from the root's figures; notes the devices seen. */
    void finish(Set<String> devices) {
      long now = nanoClock.getAsLong();
      for (Map.Entry<String, DeviceTotals> e : roots.entrySet()) {
        String device = e.getKey();
        DeviceTotals t = e.getValue();
        Labels labels = labels(new String[] {"gpu", "device"}, new String[] {device, device});
        if (t.hasMemory) {
          points.add(Metric.DCGM_FB_USED, labels, t.used / MIB);
          if (t.hasCapacity) {
            points.add(Metric.DCGM_FB_FREE, labels, Math.max(0, t.capacity - t.used) / MIB);
          }
        }
        double util = utilization(device, t, now);
        if (!Double.isNaN(util)) {
          points.add(Metric.DCGM_GPU_UTIL, labels, util);
        }
        devices.add(key(device));
      }
    }

    /** Only the utilization readings (at start-up). */
    void utilizationOnly() {
      long now = nanoClock.getAsLong();
      roots.forEach((device, t) -> utilization(device, t, now));
    }

    private double utilization(String device, DeviceTotals t, long now) {
      Map<String, Double> usage = t.usecByEngine;
      if (usage.isEmpty() && !Double.isNaN(t.usageUsec)) {
        usage = Map.of("", t.usageUsec);
      }
      return usage.isEmpty() ? Double.NaN : utilization.update(key(device), now, usage);
    }

    private String key(String device) {
      return index + "/" + device;
    }

    Labels labels(String[] names, String[] values) {
      if (treeNames.length == 0) {
        return Labels.of(names, values);
      }
      String[] n = Arrays.copyOf(treeNames, treeNames.length + names.length);
      String[] v = Arrays.copyOf(treeValues, treeValues.length + values.length);
      System.arraycopy(names, 0, n, treeNames.length, names.length);
      System.arraycopy(values, 0, v, treeValues.length, values.length);
      return Labels.of(n, v);
    }
  }

  /** The points of one per-device folder of one cgroup. */
  private static final class Folder {
    private static final String[] BASE = {"cgroup", "device"};
    final Scrape scrape;
    final String cgroup;
    final String device;
    Labels base;

    Folder(Scrape scrape, String cgroup, String device) {
      this.scrape = scrape;
      this.cgroup = cgroup;
      this.device = device;
    }

    private Labels base() {
      if (base == null) {
        base = scrape.labels(BASE, new String[] {cgroup, device});
      }
      return base;
    }

    private Labels with(String name, String value) {
      return scrape.labels(new String[] {"cgroup", "device", name}, new String[] {cgroup, device, value});
    }

    private Labels with(String name1, String value1, String name2, String value2) {
      return scrape.labels(new String[] {"cgroup", "device", name1, name2}, new String[] {cgroup, device, value1, value2});
    }

    void value(Metric m, String region, double v) {
      scrape.points.add(m, region == null ? base() : with("region", region), v);
    }

    void single(Metric m, String text) {
      FileValues.single(text, (region, v) -> value(m, region, v));
    }

    void events(Metric m, String text) {
      FileValues.keyed(text, (region, key, v) ->
          scrape.points.add(m, region == null ? with("event", key) : with("event", key, "region", region), v));
    }

    void cpuStat(String text, DeviceTotals totals) {
      FileValues.keyed(text, (group, key, v) -> {
        if (group != null) {
          return;
        }
        switch (key) {
          case "usage_usec" -> {
            scrape.points.add(Metric.CPU_USAGE, base(), v * USEC);
            if (totals != null) {
              totals.usageUsec = v;
            }
          }
          case "throttled_usec" -> scrape.points.add(Metric.CPU_THROTTLED, base(), v * USEC);
          case "nr_periods" -> scrape.points.add(Metric.CPU_PERIODS, base(), v);
          case "nr_throttled" -> scrape.points.add(Metric.CPU_THROTTLED_PERIODS, base(), v);
          default -> {
            if (key.startsWith("usage_usec.") && key.length() > "usage_usec.".length()) {
              String engine = key.substring("usage_usec.".length());
              scrape.points.add(Metric.CPU_ENGINE_USAGE, with("engine", engine), v * USEC);
              if (totals != null) {
                totals.usecByEngine.put(engine, v);
              }
            }
          }
        }
      });
    }

    void pressure(String resource, String text) {
      FileValues.keyed(text, (kind, key, v) -> {
        if (kind == null || !key.equals("total")) {
          return;
        }
        if (kind.equals("some")) {
          scrape.points.add(Metric.PRESSURE_WAITING, with("resource", resource), v * USEC);
        } else if (kind.equals("full")) {
          scrape.points.add(Metric.PRESSURE_STALLED, with("resource", resource), v * USEC);
        }
      });
    }
  }
}
