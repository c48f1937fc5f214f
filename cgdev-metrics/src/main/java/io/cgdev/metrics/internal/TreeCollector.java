package io.cgdev.metrics.internal;

import io.cgdev.api.CgroupFs;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Turns live trees into Prometheus metrics at every scrape: walks each tree on a small pool of threads
 * ({@link TreeWalk}), reads the per-device files it knows ({@link Metric}) and the root's totals for
 * the DCGM families. Every file is read at every scrape; what is kept between scrapes only saves work
 * (open files, label blocks, the text made of a file's content while that content stays the same:
 * {@link FolderCache}, {@link ControllerSets}) besides the previous utilization reading, so a value
 * written shows in the next scrape and a removed cgroup or device is gone from it.
 *
 * <p>Called by the HTTP server's threads, possibly at once; scrapes run one after the other.
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
  /** Per tree: the folders of the previous scrape, by path. */
  private final List<Map<String, FolderCache>> caches = new ArrayList<>();
  /** The number of the scrape running or last run, to tell the folders it found. Guarded by {@link #lock}. */
  private long generation;
  /** Per tree: the cgroups' controllers. */
  private final List<ControllerSets> controllers = new ArrayList<>();
  /** The threads a scrape walks with. */
  private final ForkJoinPool pool;
  /** One scrape at a time: the open files of {@link FolderCache} serve one reader at a time. */
  private final ReentrantLock lock = new ReentrantLock();
  private boolean closed;

  /** A collector that walks with as many threads as there are processors. */
  public TreeCollector(List<Tree> trees, LongSupplier nanoClock) {
    this(trees, nanoClock, Runtime.getRuntime().availableProcessors());
  }

  /**
   * A collector of these trees; reads each root's {@code cpu.stat} once now, so that the first scrape
   * already has an interval for {@code DCGM_FI_DEV_GPU_UTIL}.
   *
   * @param threads the threads a scrape walks a tree with (daemon threads, started when needed,
   *     gone after a minute idle, stopped by {@link #close()})
   */
  public TreeCollector(List<Tree> trees, LongSupplier nanoClock, int threads) {
    this.trees = List.copyOf(trees);
    this.nanoClock = nanoClock;
    this.pool = new ForkJoinPool(Math.max(1, threads), walkThreads(), null, false);
    for (int i = 0; i < this.trees.size(); i++) {
      caches.add(new ConcurrentHashMap<>());
      controllers.add(new ControllerSets());
    }
    lock.lock();
    try {
      for (int i = 0; i < this.trees.size(); i++) {
        Scrape s = new Scrape(this.trees.get(i), i);
        Points points = new Points();
        TreeScan.walkRoot(this.trees.get(i).fs(), (cgroup, device, folder, files) ->
            s.deviceFolder(points, cgroup, device, folder, files));
        s.retire();
        s.utilizationOnly();
      }
    } finally {
      lock.unlock();
    }
  }

  private static ForkJoinPool.ForkJoinWorkerThreadFactory walkThreads() {
    AtomicInteger n = new AtomicInteger();
    return pool -> {
      ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
      t.setName("cgdev-metrics-walk-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Walks every tree and returns its metrics as the client's snapshots (for OpenMetrics and protobuf).
   * Concurrent calls run one after the other.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  @Override
  public MetricSnapshots collect() {
    return Points.merge(scrape(Points::new)).snapshots();
  }

  /**
   * Walks every tree and writes its metrics in the text format. Concurrent calls run one after the
   * other.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  public TextExposition text() {
    return new TextExposition(scrape(TextExposition.Segment::new), pool);
  }

  /** One scrape: the segments of every tree in order, each tree's own samples last. */
  private <S extends Sink> List<S> scrape(Supplier<S> segments) {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the metrics collector is closed");
      }
      List<S> out = new ArrayList<>();
      Set<String> devices = new HashSet<>();
      for (int i = 0; i < trees.size(); i++) {
        long start = nanoClock.getAsLong();
        Scrape s = new Scrape(trees.get(i), i);
        controllers.get(i).begin(s.scrape);
        TreeWalk<S> walk = new TreeWalk<>(trees.get(i).fs(), controllers.get(i), segments, s::deviceFolder);
        out.addAll(walk.run(pool));
        s.retire();
        S tail = segments.get();
        s.finish(devices, tail);
        tail.add(Metric.SCRAPE_CGROUPS, s.treeNames, s.treeValues, walk.cgroups());
        tail.add(Metric.SCRAPE_DURATION, s.treeNames, s.treeValues, (nanoClock.getAsLong() - start) / 1e9);
        out.add(tail);
      }
      utilization.retain(devices);
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** Closes the files kept open between scrapes and stops the walk's threads; later scrapes fail. Idempotent. */
  public void close() {
    lock.lock();
    try {
      closed = true;
      pool.shutdownNow();
      for (Map<String, FolderCache> cache : caches) {
        cache.values().forEach(FolderCache::close);
        cache.clear();
      }
      controllers.forEach(ControllerSets::close);
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

  /**
   * One walk of one tree. {@link #deviceFolder} is called by the walk's threads at once, for
   * different folders; the rest by the scrape's caller.
   */
  private final class Scrape {
    final Tree tree;
    final int index;
    final String[] treeNames;
    final String[] treeValues;
    /** The root's figures by device; the root is walked first, by one thread, before any other folder. */
    final Map<String, DeviceTotals> roots = Collections.synchronizedMap(new LinkedHashMap<>());
    final Map<String, FolderCache> folders;
    final long scrape;

    Scrape(Tree tree, int index) {
      this.tree = tree;
      this.index = index;
      this.treeNames = tree.labelNames().toArray(String[]::new);
      this.treeValues = tree.labelValues().toArray(String[]::new);
      this.folders = caches.get(index);
      this.scrape = ++generation;
    }

    void deviceFolder(Sink sink, String cgroup, String device, String folder, List<String> files) {
      FolderCache cache = folders.get(folder);
      if (cache == null) {
        cache = folders.computeIfAbsent(folder, p -> new FolderCache(treeNames, treeValues, cgroup, device));
      }
      cache.seenBy = scrape;
      DeviceTotals totals = cgroup.equals("/") ? roots.computeIfAbsent(device, d -> new DeviceTotals()) : null;
      // the text of a non-root file is kept with its content; a root's feeds the DCGM totals: parsed every time
      TextExposition.Segment text = totals == null && sink instanceof TextExposition.Segment t ? t : null;
      Folder f = new Folder(sink, cache, totals);
      CgroupFs fs = tree.fs();
      for (String file : files) {
        Metric whole = Metric.ofFile(file);
        boolean pressure = file.endsWith(".pressure") && file.length() > ".pressure".length();
        if (whole == null && !pressure && !file.equals("cpu.stat")) {
          continue;
        }
        String content = cache.read(fs, folder, file);
        TextExposition.Rendered before = text == null ? null : cache.rendered(file, content);
        if (before != null) {
          text.replay(before);
          continue;
        }
        if (whole != null && whole.counter) {
          f.events(whole, content);
        } else if (whole != null) {
          f.single(whole, content);
        } else if (pressure) {
          f.pressure(file.substring(0, file.length() - ".pressure".length()), content);
        } else {
          f.cpuStat(content);
        }
        if (text != null) {
          cache.keep(file, content, text.endFile());
        } else if (sink instanceof TextExposition.Segment t) {
          t.endFile();
        }
      }
    }

    /** Closes the folders this walk did not find, and keeps those it found for the next. */
    void retire() {
      folders.values().removeIf(f -> {
        if (f.seenBy == scrape) {
          return false;
        }
        f.close();
        return true;
      });
      controllers.get(index).retire(scrape);
    }

    /** The DCGM families from the root's figures, into {@code sink}; notes the devices seen. */
    void finish(Set<String> devices, Sink sink) {
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
