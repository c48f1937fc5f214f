package io.cgdev.metrics.internal;

import io.cgdev.api.CgroupFs;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
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
  /** Division, not multiplication by 1e-6: it gives the nearest double, 0.2 for 200000. */
  private static final double USEC_PER_SECOND = 1e6;
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
  /** Per tree: the folders of the previous scrape, by path. Guarded by {@link #lock}. */
  private final List<Map<String, FolderCache>> caches = new ArrayList<>();
  /** One scrape at a time: the open files of {@link FolderCache} serve one reader at a time. */
  private final ReentrantLock lock = new ReentrantLock();
  private boolean closed;

  /**
   * A collector of these trees; reads each root's {@code cpu.stat} once now, so that the first scrape
   * already has an interval for {@code DCGM_FI_DEV_GPU_UTIL}.
   */
  public TreeCollector(List<Tree> trees, LongSupplier nanoClock) {
    this.trees = List.copyOf(trees);
    this.nanoClock = nanoClock;
    for (int i = 0; i < this.trees.size(); i++) {
      caches.add(new HashMap<>());
    }
    lock.lock();
    try {
      for (int i = 0; i < this.trees.size(); i++) {
        Scrape s = new Scrape(this.trees.get(i), i, new Points());
        TreeScan.walkRoot(this.trees.get(i).fs(), s::deviceFolder);
        s.retire();
        s.utilizationOnly();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Walks every tree and returns its metrics. Concurrent calls run one after the other.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  @Override
  public MetricSnapshots collect() {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the metrics collector is closed");
      }
      Points points = new Points();
      Set<String> devices = new HashSet<>();
      for (int i = 0; i < trees.size(); i++) {
        long start = nanoClock.getAsLong();
        Scrape s = new Scrape(trees.get(i), i, points);
        int cgroups = TreeScan.walk(trees.get(i).fs(), s::deviceFolder);
        s.retire();
        s.finish(devices);
        Labels treeLabels = Labels.of(s.treeNames, s.treeValues);
        points.add(Metric.SCRAPE_CGROUPS, treeLabels, cgroups);
        points.add(Metric.SCRAPE_DURATION, treeLabels, (nanoClock.getAsLong() - start) / 1e9);
      }
      utilization.retain(devices);
      return points.snapshots();
    } finally {
      lock.unlock();
    }
  }

  /** Closes the files kept open between scrapes; later scrapes fail. Idempotent. */
  public void close() {
    lock.lock();
    try {
      closed = true;
      for (Map<String, FolderCache> cache : caches) {
        cache.values().forEach(FolderCache::close);
        cache.clear();
      }
    } finally {
      lock.unlock();
    }
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
    final Map<String, FolderCache> previous;
    final Map<String, FolderCache> seen = new HashMap<>();
    final Batch batch = new Batch();

    Scrape(Tree tree, int index, Points points) {
      this.tree = tree;
      this.index = index;
      this.points = points;
      this.treeNames = tree.labelNames().toArray(String[]::new);
      this.treeValues = tree.labelValues().toArray(String[]::new);
      this.previous = caches.get(index);
    }

    void deviceFolder(String cgroup, String device, String folder, List<String> files) {
      FolderCache cache = previous.remove(folder);
      if (cache == null) {
        cache = seen.get(folder);
      }
      if (cache == null) {
        cache = new FolderCache(treeNames, treeValues, cgroup, device);
      }
      seen.put(folder, cache);
      Folder f = new Folder(points, cache, batch);
      DeviceTotals totals = cgroup.equals("/") ? roots.computeIfAbsent(device, d -> new DeviceTotals()) : null;
      CgroupFs fs = tree.fs();
      for (String file : files) {
        switch (file) {
          case "memory.current" -> {
            FileValues.single(cache.read(fs, folder, file), (region, v) -> {
              f.value(Metric.MEMORY_CURRENT, region, v);
              if (totals != null) {
                totals.used += v;
                totals.hasMemory = true;
              }
            });
            batch.flush(points, Metric.MEMORY_CURRENT);
          }
          case "memory.capacity" -> {
            FileValues.single(cache.read(fs, folder, file), (region, v) -> {
              f.value(Metric.MEMORY_CAPACITY, region, v);
              if (totals != null) {
                totals.capacity += v;
                totals.hasCapacity = true;
              }
            });
            batch.flush(points, Metric.MEMORY_CAPACITY);
          }
          case "memory.min" -> f.single(Metric.MEMORY_MIN, cache.read(fs, folder, file));
          case "memory.low" -> f.single(Metric.MEMORY_LOW, cache.read(fs, folder, file));
          case "memory.high" -> f.single(Metric.MEMORY_HIGH, cache.read(fs, folder, file));
          case "memory.max" -> f.single(Metric.MEMORY_MAX, cache.read(fs, folder, file));
          case "memory.peak" -> f.single(Metric.MEMORY_PEAK, cache.read(fs, folder, file));
          case "memory.swap.current" -> f.single(Metric.MEMORY_SWAP_CURRENT, cache.read(fs, folder, file));
          case "memory.swap.max" -> f.single(Metric.MEMORY_SWAP_MAX, cache.read(fs, folder, file));
          case "memory.swap.peak" -> f.single(Metric.MEMORY_SWAP_PEAK, cache.read(fs, folder, file));
          case "memory.events" -> f.events(Metric.MEMORY_EVENTS, cache.read(fs, folder, file));
          case "memory.swap.events" -> f.events(Metric.MEMORY_SWAP_EVENTS, cache.read(fs, folder, file));
          case "cpu.weight" -> f.single(Metric.CPU_WEIGHT, cache.read(fs, folder, file));
          case "cpu.stat" -> f.cpuStat(cache.read(fs, folder, file), totals);
          default -> {
            if (file.endsWith(".pressure") && file.length() > ".pressure".length()) {
              f.pressure(file.substring(0, file.length() - ".pressure".length()), cache.read(fs, folder, file));
            }
          }
        }
      }
    }

    /** Closes the folders this walk did not find again, and keeps those it found for the next. */
    void retire() {
      previous.values().forEach(FolderCache::close);
      previous.clear();
      previous.putAll(seen);
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
      String[] n = Arrays.copyOf(treeNames, treeNames.length + names.length);
      String[] v = Arrays.copyOf(treeValues, treeValues.length + values.length);
      System.arraycopy(names, 0, n, treeNames.length, names.length);
      System.arraycopy(values, 0, v, treeValues.length, values.length);
      return Labels.of(n, v);
    }
  }

  /** The points of one file, gathered to be added in label order ({@link Points#addSorted}). */
  private static final class Batch {
    String[] keys = new String[16];
    Labels[] labels = new Labels[16];
    double[] values = new double[16];
    int n;

    void add(String key, Labels l, double v) {
      if (n == keys.length) {
        keys = Arrays.copyOf(keys, n * 2);
        labels = Arrays.copyOf(labels, n * 2);
        values = Arrays.copyOf(values, n * 2);
      }
      keys[n] = key;
      labels[n] = l;
      values[n] = v;
      n++;
    }

    void flush(Points points, Metric m) {
      points.addSorted(m, keys, labels, values, n);
      n = 0;
    }
  }

  /** The points of one per-device folder of one cgroup. */
  private record Folder(Points points, FolderCache cache, Batch batch) {
    void value(Metric m, String region, double v) {
      if (region == null) {
        points.add(m, cache.base(), v);
      } else {
        batch.add(region, cache.with(FolderCache.Extra.REGION, region), v);
      }
    }

    /** A single-value file: one point, or one per region in region order. */
    void single(Metric m, String text) {
      FileValues.single(text, (region, v) -> value(m, region, v));
      batch.flush(points, m);
    }

    void events(Metric m, String text) {
      FileValues.keyed(text, (region, key, v) -> {
        if (region == null) {
          batch.add(key, cache.with(FolderCache.Extra.EVENT, key), v);
        } else {
          batch.add(key + '\0' + region, cache.with(FolderCache.Extra.EVENT_REGION, key, region), v);
        }
      });
      batch.flush(points, m);
    }

    void cpuStat(String text, DeviceTotals totals) {
      FileValues.keyed(text, (group, key, v) -> {
        if (group != null) {
          return;
        }
        switch (key) {
          case "usage_usec" -> {
            points.add(Metric.CPU_USAGE, cache.base(), v / USEC_PER_SECOND);
            if (totals != null) {
              totals.usageUsec = v;
            }
          }
          case "throttled_usec" -> points.add(Metric.CPU_THROTTLED, cache.base(), v / USEC_PER_SECOND);
          case "nr_periods" -> points.add(Metric.CPU_PERIODS, cache.base(), v);
          case "nr_throttled" -> points.add(Metric.CPU_THROTTLED_PERIODS, cache.base(), v);
          default -> {
            if (key.startsWith("usage_usec.") && key.length() > "usage_usec.".length()) {
              String engine = key.substring("usage_usec.".length());
              batch.add(engine, cache.with(FolderCache.Extra.ENGINE, engine), v / USEC_PER_SECOND);
              if (totals != null) {
                totals.usecByEngine.put(engine, v);
              }
            }
          }
        }
      });
      batch.flush(points, Metric.CPU_ENGINE_USAGE);
    }

    void pressure(String resource, String text) {
      FileValues.keyed(text, (kind, key, v) -> {
        if (kind == null || !key.equals("total")) {
          return;
        }
        if (kind.equals("some")) {
          points.add(Metric.PRESSURE_WAITING, cache.with(FolderCache.Extra.RESOURCE, resource), v / USEC_PER_SECOND);
        } else if (kind.equals("full")) {
          points.add(Metric.PRESSURE_STALLED, cache.with(FolderCache.Extra.RESOURCE, resource), v / USEC_PER_SECOND);
        }
      });
    }
  }
}
