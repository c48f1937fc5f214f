package io.cgdev.controller.cpuset;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.EngineMask;
import io.cgdev.testkit.TestBinding;
import io.cgdev.testkit.TestCgroups;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * One thread rewrites cpuset files (cpus, partitions) while two readers query {@link EngineMask}
 * without locks. Checks: every mask a reader sees lies within the device and is exactly the mask
 * that cgroup had in some published generation; every {@code allowsEngine} answer agrees with some
 * published generation; and within one snapshot a member never holds an engine its parent lacks,
 * while a valid partition never shares one with its parent.
 */
class EngineMaskStressTest {
  private static final int ENGINES = 8;
  private static final int WRITES = 20_000;
  private static final String[] PATHS = {"/", "/p", "/p/a", "/p/a/b", "/p/x", "/q", "/q/c"};

  @Test
  void readersOnlyEverSeePublishedConsistentMasks() throws Exception {
    long seed = System.nanoTime();
    TestCgroups cgroups = new TestCgroups();
    TestBinding<CpusetState> gpu = cgroups.bind(new CpusetController(), TestDevices.gpu0(ENGINES, 2));
    for (String p : PATHS) {
      if (!p.equals("/")) {
        cgroups.mkdir(p);
      }
    }
    List<CgroupHandle> cgs = new ArrayList<>();
    for (String p : PATHS) {
      cgs.add(cgroups.cgroup(p));
    }
    EngineMask mask = TestDevices.mask(gpu);
    // per cgroup index: every engine mask it had in any published generation
    List<Set<Long>> published = new ArrayList<>();
    for (int i = 0; i < cgs.size(); i++) {
      published.add(ConcurrentHashMap.newKeySet());
    }
    record(gpu, cgs, published);

    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    Map<Integer, Set<Long>> seenMasks = new ConcurrentHashMap<>();
    // [cg][engine][answer]: whether a reader saw allowsEngine return that answer
    boolean[][][] seenAnswers = new boolean[cgs.size()][ENGINES][2];

    Runnable reader = () -> {
      Random rnd = new Random();
      List<Set<Long>> local = new ArrayList<>();
      boolean[][][] answers = new boolean[cgs.size()][ENGINES][2];
      for (int i = 0; i < cgs.size(); i++) {
        local.add(new HashSet<>());
      }
      try {
        start.await();
        while (!done.get()) {
          for (int i = 0; i < cgs.size(); i++) {
            CgroupHandle cg = cgs.get(i);
            BitSet b = mask.engines(cg);
            long m = b.isEmpty() ? 0 : b.toLongArray()[0];
            if ((m & ~TestDevices.binding(gpu).allEngines()) != 0) {
              throw new AssertionError(cg + " sees engines the device lacks: " + b);
            }
            local.get(i).add(m);
            int e = rnd.nextInt(ENGINES);
            answers[i][e][mask.allowsEngine(cg, e) ? 1 : 0] = true;
            checkOneGeneration(gpu, cgs);
          }
        }
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      } finally {
        synchronized (seenAnswers) {
          for (int i = 0; i < cgs.size(); i++) {
            seenMasks.computeIfAbsent(i, k -> ConcurrentHashMap.newKeySet()).addAll(local.get(i));
            for (int e = 0; e < ENGINES; e++) {
              seenAnswers[i][e][0] |= answers[i][e][0];
              seenAnswers[i][e][1] |= answers[i][e][1];
            }
          }
        }
      }
    };
    Thread r1 = new Thread(reader, "reader-1");
    Thread r2 = new Thread(reader, "reader-2");
    r1.start();
    r2.start();
    Random rnd = new Random(seed);
    start.countDown();
    try {
      for (int i = 0; i < WRITES && failure.get() == null; i++) {
        String path = PATHS[1 + rnd.nextInt(PATHS.length - 1)];
        if (rnd.nextInt(4) == 0) {
          gpu.write(path, "cpus.partition", rnd.nextBoolean() ? "root" : "member");
        } else {
          int from = rnd.nextInt(ENGINES);
          int to = Math.min(ENGINES - 1, from + rnd.nextInt(4));
          gpu.write(path, "cpus", rnd.nextInt(8) == 0 ? "" : from + "-" + to);
        }
        record(gpu, cgs, published);
      }
    } finally {
      done.set(true);
      r1.join();
      r2.join();
    }
    if (failure.get() != null) {
      throw new AssertionError("seed " + seed, failure.get());
    }
    for (int i = 0; i < cgs.size(); i++) {
      Set<Long> seen = seenMasks.getOrDefault(i, Set.of());
      assertThat(published.get(i)).as("seed %d: masks seen in %s were published", seed, PATHS[i]).containsAll(seen);
      for (int e = 0; e < ENGINES; e++) {
        long bit = 1L << e;
        if (seenAnswers[i][e][1]) {
          assertThat(published.get(i).stream().anyMatch(m -> (m & bit) != 0)).as("%s allowed %d", PATHS[i], e).isTrue();
        }
        if (seenAnswers[i][e][0]) {
          assertThat(published.get(i).stream().anyMatch(m -> (m & bit) == 0)).as("%s refused %d", PATHS[i], e).isTrue();
        }
      }
    }
    assertThat(seenMasks.values().stream().mapToInt(Set::size).sum())
        .as("the readers saw the masks change")
        .isGreaterThan(cgs.size());
  }

  private static void record(TestBinding<CpusetState> gpu, List<CgroupHandle> cgs, List<Set<Long>> published) {
    Snapshot s = TestDevices.binding(gpu).snapshot();
    for (int i = 0; i < cgs.size(); i++) {
      published.get(i).add(s.of(gpu.state(cgs.get(i))).cpus());
    }
  }

  /** Parent/child relations hold inside any one published generation. */
  private static void checkOneGeneration(TestBinding<CpusetState> gpu, List<CgroupHandle> cgs) {
    Snapshot s = TestDevices.binding(gpu).snapshot();
    for (CgroupHandle cg : cgs) {
      if (cg.parent() == null) {
        continue;
      }
      Effective e = s.of(gpu.state(cg));
      Effective pe = s.of(gpu.state(cg.parent()));
      if (e.validPartition()) {
        if ((e.cpus() & pe.cpus()) != 0) {
          throw new AssertionError("generation " + s.generation + ": partition " + cg + " shares with its parent");
        }
      } else if ((e.cpus() & ~pe.cpus()) != 0) {
        throw new AssertionError(
            "generation " + s.generation + ": " + cg + " holds " + Long.toBinaryString(e.cpus())
                + " beyond its parent's " + Long.toBinaryString(pe.cpus()));
      }
    }
  }
}
