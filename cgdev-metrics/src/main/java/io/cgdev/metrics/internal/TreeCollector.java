package io.cgdev.metrics.internal;

import io.cgdev.api.CgroupFs;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
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
  /** The family sizes of the previous text scrape. Guarded by {@link #lock}. */
  private int[] textSizes = new int[0];

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
   * Walks every tree and returns its metrics as the client's snapshots (for OpenMetrics and protobuf).
   * Concurrent calls run one after the other.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  @Override
  public MetricSnapshots collect() {
    Points points = new Points();
    scrape(points);
    return points.snapshots();
  }

  /**
   * Walks every tree and writes its metrics in the text format. Concurrent calls run one after the
   * other.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  public TextExposition text() {
    lock.lock();
    try {
      TextExposition text = new TextExposition(textSizes);
      scrape(text);
      textSizes = text.sizes();
      return text;
    } finally {
      lock.unlock();
    }
  }

  private void scrape(Sink sink) {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the metrics collector is closed");
      }
      Set<String> devices = new HashSet<>();
      for (int i = 0; i < trees.size(); i++) {
        long start = nanoClock.getAsLong();
        Scrape s = new Scrape(trees.get(i), i, sink);
        int cgroups = TreeScan.walk(trees.get(i).fs(), s::deviceFolder);
        s.retire();
        s.finish(devices);
        sink.add(Metric.SCRAPE_CGROUPS, s.treeNames, s.treeValues, cgroups);
        sink.add(Metric.SCRAPE_DURATION, s.treeNames, s.treeValues, (nanoClock.getAsLong() - start) / 1e9);
      }
      utilization.retain(devices);
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
    final Sink sink;
    final String[] treeNames;
    final String[] treeValues;
    final Map<String, DeviceTotals> roots = new LinkedHashMap<>();
    final Map<String, FolderCache> previous;
    final Map<String, FolderCache> seen = new HashMap<>();

    Scrape(Tree tree, int index, Sink sink) {
      this.tree = tree;
      this.index = index;
      this.sink = sink;
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
      DeviceTotals totals = cgroup.equals("/") ? roots.computeIfAbsent(device, d -> new DeviceTotals()) : null;
      Folder f = new Folder(sink, cache, totals);
      CgroupFs fs = tree.fs();
      for (String file : files) {
        Metric whole = Metric.ofFile(file);
        if (whole != null && whole.counter) {
          f.events(whole, cache.read(fs, folder, file));
        } else if (whole != null) {
          f.single(whole, cache.read(fs, folder, file));
        } else if (file.equals("cpu.stat")) {
          f.cpuStat(cache.read(fs, folder, file));
        } else if (file.endsWith(".pressure") && file.length() > ".pressure".length()) {
          f.pressure(file.substring(0, file.length() - ".pressure".length()), cache.read(fs, folder, file));
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
        String[] names = FolderCache.concat(treeNames, "gpu", "device");
        String[] values = FolderCache.concat(treeValues, device, device);
        if (t.hasMemory) {
          sink.add(Metric.DCGM_FB_USED, names, values, t.used / MIB);
          if (t.hasCapacity) {
            sink.add(Metric.DCGM_FB_FREE, names, values, Math.max(0, t.capacity - t.used) / MIB);
          }
        }
        double util = utilization(device, t, now);
        if (!Double.isNaN(util)) {
          sink.add(Metric.DCGM_GPU_UTIL, names, values, util);
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
  }

  /** The samples of one per-device folder of one cgroup; {@code totals} the root's, else null. */
  private record Folder(Sink sink, FolderCache cache, DeviceTotals totals) {
    /** A single-value file: one sample, or one per region. */
    void single(Metric m, String text) {
      FileValues.single(text, (region, v) -> {
        sink.add(m, cache, region == null ? null : FolderCache.Extra.REGION, region, null, v);
        if (totals != null && m == Metric.MEMORY_CURRENT) {
          totals.used += v;
          totals.hasMemory = true;
        } else if (totals != null && m == Metric.MEMORY_CAPACITY) {
          totals.capacity += v;
          totals.hasCapacity = true;
        }
      });
    }

    void events(Metric m, String text) {
      FileValues.keyed(text, (region, key, v) -> {
        if (region == null) {
          sink.add(m, cache, FolderCache.Extra.EVENT, key, null, v);
        } else {
          sink.add(m, cache, FolderCache.Extra.EVENT_REGION, key, region, v);
        }
      });
    }

    void cpuStat(String text) {
      FileValues.keyed(text, (group, key, v) -> {
        if (group != null) {
          return;
        }
        Metric m = Metric.ofCpuStatKey(key);
        if (m != null) {
          sink.add(m, cache, null, null, null, m.inMicroseconds() ? v / USEC_PER_SECOND : v);
          if (totals != null && m == Metric.CPU_USAGE) {
            totals.usageUsec = v;
          }
        } else if (key.startsWith("usage_usec.") && key.length() > "usage_usec.".length()) {
          String engine = key.substring("usage_usec.".length());
          sink.add(Metric.CPU_ENGINE_USAGE, cache, FolderCache.Extra.ENGINE, engine, null, v / USEC_PER_SECOND);
          if (totals != null) {
            totals.usecByEngine.put(engine, v);
          }
        }
      });
    }

    void pressure(String resource, String text) {
      FileValues.keyed(text, (kind, key, v) -> {
        if (kind == null || !key.equals("total")) {
          return;
        }
        Metric m = kind.equals("some") ? Metric.PRESSURE_WAITING : kind.equals("full") ? Metric.PRESSURE_STALLED : null;
        if (m != null) {
          sink.add(m, cache, FolderCache.Extra.RESOURCE, resource, null, v / USEC_PER_SECOND);
        }
      });
    }
  }
}
