package io.cgdev.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Task;
import io.cgdev.core.Cgroups;
import io.cgdev.drm.DrmDevice;
import io.cgdev.drm.DrmFile;
import io.cgdev.i915.I915Driver;
import io.cgdev.metrics.internal.TreeCollector;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * The scrape that reuses what it kept (open files, the text made of a file's unchanged content, the
 * controllers of each cgroup) and walks on several threads, against a fresh collector that has kept
 * nothing and walks on one thread: between scrapes, random changes (limits and weights written,
 * cgroups made and removed, controllers enabled and disabled, memory charged and device time used);
 * after each, both texts must be equal byte for byte, and a value written by the round's last change
 * must show.
 *
 * <p>Seeded ({@code -Dcgdev.cache.seed=N} replays one run; the seed is in the failure message). Time
 * budget: about 3 s for the 4 repetitions.
 */
class CachedScrapeDifferentialTest {
  private static final long M = 1 << 20;

  @RepeatedTest(4)
  void aCachedParallelScrapeEqualsAFreshSerialOneAfterRandomChanges(RepetitionInfo rep) throws Exception {
    long seed = Long.getLong("cgdev.cache.seed", System.nanoTime() + rep.getCurrentRepetition());
    Random r = new Random(seed);
    try (Cgroups cg = Cgroups.builder().build()) {
      CgroupFs fs = cg.fs();
      fs.write("/cgroup.subtree_control", "+memory +cpu");
      List<String> cgroups = new ArrayList<>(List.of("/"));
      for (int i = 0; i < 40; i++) {
        mkdir(fs, cgroups, r);
      }
      DrmDevice gpu = cg.driver(I915Driver.class).orElseThrow().device("i915.0");
      TreeCollector cached = new TreeCollector(List.of(new TreeCollector.Tree(fs, List.of(), List.of())), () -> 0L, 4);
      try {
        for (int round = 0; round < 25; round++) {
          String expected = null;
          for (int change = 0, n = 1 + r.nextInt(4); change < n; change++) {
            // only the round's last change is sure to show: a later one may remove the cgroup just written
            // or disable its controller (seed 32911280236257 did)
            expected = change(cg, fs, gpu, cgroups, r);
          }
          String ours = text(cached);
          TreeCollector fresh = new TreeCollector(List.of(new TreeCollector.Tree(fs, List.of(), List.of())), () -> 0L, 1);
          String theirs;
          try {
            theirs = text(fresh);
          } finally {
            fresh.close();
          }
          assertThat(ours).as("seed %d, round %d: cached scrape equals a fresh one", seed, round).isEqualTo(theirs);
          if (expected != null) {
            assertThat(ours).as("seed %d, round %d: the value written shows", seed, round).contains(expected);
          }
        }
      } finally {
        cached.close();
      }
    }
  }

  private static String text(TreeCollector c) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.text().writeTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void mkdir(CgroupFs fs, List<String> cgroups, Random r) {
    String parent = cgroups.get(r.nextInt(cgroups.size()));
    String child = (parent.equals("/") ? "" : parent) + "/g" + r.nextInt(1000);
    try {
      if (!parent.equals("/")) {
        fs.write(parent + "/cgroup.subtree_control", "+memory +cpu");
      }
      fs.mkdir(child);
      cgroups.add(child);
    } catch (CgroupException e) {
      // EEXIST, or a parent with tasks: another try later
    }
  }

  /**
   * One random change; returns a sample line (without value formatting surprises) that the next
   * scrape must contain, or null.
   */
  private static String change(Cgroups cg, CgroupFs fs, DrmDevice gpu, List<String> cgroups, Random r) {
    String c = cgroups.get(r.nextInt(cgroups.size()));
    String at = c.equals("/") ? "" : c;
    try {
      switch (r.nextInt(7)) {
        case 0 -> {
          if (!c.equals("/")) {
            long bytes = (1 + r.nextInt(4096)) * M;
            fs.write(at + "/memory.devices/i915.0/memory.max", "lmem0 " + bytes);
            return "cgdev_memory_max_bytes{cgroup=\"" + c + "\",device=\"i915.0\",region=\"lmem0\"} " + bytes + "\n";
          }
        }
        case 1 -> {
          if (!c.equals("/")) {
            int weight = 1 + r.nextInt(10000);
            fs.write(at + "/cpu.devices/i915.0/cpu.weight", Integer.toString(weight));
            return "cgdev_cpu_weight{cgroup=\"" + c + "\",device=\"i915.0\"} " + weight + "\n";
          }
        }
        case 2 -> mkdir(fs, cgroups, r);
        case 3 -> {
          String leaf = cgroups.get(r.nextInt(cgroups.size()));
          if (!leaf.equals("/")) {
            fs.rmdir(leaf);
            cgroups.remove(leaf);
          }
        }
        case 4 -> {
          if (!c.equals("/")) {
            fs.write(at + "/cgroup.subtree_control", r.nextBoolean() ? "-memory -cpu" : "+memory +cpu");
          }
        }
        case 5 -> fs.write(at + "/memory.devices/i915.0/memory.high", "lmem0 " + (r.nextBoolean() ? "max" : (1 + r.nextInt(64)) * M));
        default -> {
          Task t = cg.tasks().spawn("w" + r.nextInt(1000), CgroupPath.parse(c));
          DrmFile f = gpu.open(t);
          f.createGem((1 + r.nextInt(8)) * M);
          gpu.submit(f, gpu.engineClasses().get(r.nextInt(gpu.engineClasses().size())), 1 + r.nextInt(3_000_000));
          gpu.runFor(1 + r.nextInt(10_000_000));
        }
      }
    } catch (CgroupException e) {
      // refused (EBUSY, ENOENT, EINVAL, ...): the tree stays as it was, the scrapes must still agree
    }
    return null;
  }
}
