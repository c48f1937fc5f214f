package io.cgdev.controller.cpu;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Keyed;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.TimeSharing;
import io.cgdev.api.spi.TimeSharing.Client;
import io.cgdev.testkit.FakeClock;
import io.cgdev.testkit.TestBinding;
import io.cgdev.testkit.TestCgroups;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The {@code cpu.stat} bandwidth counters over random scenarios: random trees with random {@code
 * cpu.max} (periods 1 ms..1 s, quotas from 1 ms to several periods' worth), {@code cpu.max.burst}
 * and weights, clients waking and sleeping on two engines, runs of random length (shorter and much
 * longer than a period), idle stretches, and rewrites of every setting, with {@code cpu.stat} read
 * after every step. What must hold at every read, as it does in the kernel, where the counters move
 * at period boundaries ({@code do_sched_cfs_period_timer}):
 * <ul>
 *   <li>{@code nr_throttled <= nr_periods};
 *   <li>{@code throttled_usec <= nr_throttled × period} (the longest period the group ever had): a
 *       throttle ends at a boundary, which counts it, so no throttle is longer than the throttled
 *       periods counted for it;
 *   <li>{@code throttled_usec} is never more than the time since the group first got a limit;
 *   <li>no counter ever decreases;
 *   <li>{@code nr_bursts} grows only at a refill: a boundary ({@code nr_periods}) or a write.
 * </ul>
 * Seeded; a failure names its seed ({@code -Dcgdev.cpustat.seed=N} replays one). A few seconds: 200
 * scenarios of 300 steps.
 */
class CpuStatPropertyTest {
  private static final long MS = 1_000_000;
  private static final int SCENARIOS = 200;
  private static final int STEPS = 300;
  private static final String[] KEYS = {"usage_usec", "nr_periods", "nr_throttled", "throttled_usec", "nr_bursts", "burst_usec"};

  @Test
  void bandwidthCountersKeepTheKernelsInvariants() {
    String one = System.getProperty("cgdev.cpustat.seed");
    long first = one == null ? 1 : Long.parseLong(one);
    long last = one == null ? SCENARIOS : first;
    for (long seed = first; seed <= last; seed++) {
      try {
        new Scenario(seed).run();
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + " (replay: -Dcgdev.cpustat.seed=" + seed + "): " + e.getMessage(), e);
      }
    }
  }

  /** One random scenario and its checks. */
  private static final class Scenario {
    private final Random r;
    private final FakeClock clock = new FakeClock();
    private final TestCgroups cgroups = new TestCgroups();
    private final TestBinding<CpuState> gpu = cgroups.bind(new CpuController(), TestDevices.gpu0(clock, "rcs0", "bcs0"));
    private final TimeSharing ts = gpu.capability(TimeSharing.class).orElseThrow();
    private final List<CgroupHandle> groups = new ArrayList<>();
    private final List<Client> clients = new ArrayList<>();
    /** Per group: the longest period it ever had (µs), the time of its first limit, writes so far. */
    private final Map<CgroupHandle, Long> maxPeriod = new HashMap<>();
    private final Map<CgroupHandle, Long> limitedSince = new HashMap<>();
    private final Map<CgroupHandle, Long> writes = new HashMap<>();
    private final Map<CgroupHandle, Map<String, Long>> last = new HashMap<>();

    Scenario(long seed) {
      this.r = new Random(seed);
    }

    void run() {
      buildTree();
      for (int step = 0; step < STEPS; step++) {
        int op = r.nextInt(100);
        if (op < 55) {
          engines();
        } else if (op < 62) {
          clock.advance(r.nextInt(4) == 0 ? (long) r.nextInt(3000) * MS : r.nextInt((int) (20 * MS)));
        } else if (op < 75) {
          Client c = clients.get(r.nextInt(clients.size()));
          c.setRunnable(r.nextInt(2), r.nextBoolean());
        } else if (op < 87) {
          writeMax(groups.get(r.nextInt(groups.size())));
        } else if (op < 93) {
          writeBurst(groups.get(r.nextInt(groups.size())));
        } else {
          gpu.write(groups.get(r.nextInt(groups.size())), "cpu.weight", Integer.toString(1 + r.nextInt(10000)));
        }
        check();
      }
    }

    private void buildTree() {
      int top = 1 + r.nextInt(3);
      for (int i = 0; i < top; i++) {
        CgroupHandle g = cgroups.mkdir(cgroups.root(), "g" + i);
        groups.add(g);
        int children = r.nextInt(3);
        List<CgroupHandle> leaves = new ArrayList<>();
        for (int k = 0; k < children; k++) {
          CgroupHandle c = cgroups.mkdir(g, "c" + k);
          groups.add(c);
          leaves.add(c);
        }
        if (leaves.isEmpty()) {
          leaves.add(g);
        }
        for (CgroupHandle leaf : leaves) {
          for (int n = 1 + r.nextInt(2); n > 0; n--) {
            Client c = ts.open(leaf, leaf.path() + "#" + n);
            c.setRunnable(r.nextInt(2), true);
            clients.add(c);
          }
        }
      }
      for (CgroupHandle g : groups) {
        if (r.nextBoolean()) {
          writeMax(g);
        }
      }
    }

    /** Each engine picks and runs its client for a slice; a slice is sometimes far longer than a period. */
    private void engines() {
      long slice = r.nextInt(10) == 0 ? 1 + (long) r.nextInt(500) * MS : 1 + r.nextInt((int) (3 * MS));
      boolean any = false;
      for (int e = 0; e < 2; e++) {
        Client c = ts.pickNext(e);
        if (c != null) {
          c.ran(e, slice);
          any = true;
        }
      }
      if (any) {
        clock.advance(slice);
      } else {
        long next = ts.nextUnthrottle();
        clock.set(next != Long.MAX_VALUE && next > clock.nanoTime() ? next : clock.nanoTime() + slice);
      }
    }

    private void writeMax(CgroupHandle g) {
      if (r.nextInt(5) == 0) {
        gpu.write(g, "cpu.max", "max");
      } else {
        long period = r.nextInt(3) == 0 ? 1000 + r.nextInt(1_000_000 - 1000 + 1) : 100_000;
        long quota = 1000 + (long) (r.nextDouble() * period * (r.nextBoolean() ? 1 : 3));
        try {
          gpu.write(g, "cpu.max", quota + " " + period);
        } catch (CgroupException e) {
          return; // below the group's burst: refused, nothing changed
        }
        maxPeriod.merge(g, period, Math::max);
        limitedSince.putIfAbsent(g, clock.nanoTime());
      }
      writes.merge(g, 1L, Long::sum);
    }

    private void writeBurst(CgroupHandle g) {
      try {
        gpu.write(g, "cpu.max.burst", Long.toString((long) r.nextInt(200_000)));
        writes.merge(g, 1L, Long::sum);
      } catch (CgroupException e) {
        // above the quota: refused, nothing changed
      }
    }

    private void check() {
      for (CgroupHandle g : groups) {
        Map<String, Long> now = new HashMap<>();
        // the file's own text (its reader is CpuState.stat), without the file view's cost per read
        Map<String, String> stat = Keyed.parseFlat(gpu.state(g).stat());
        for (String k : KEYS) {
          now.put(k, Long.parseLong(stat.get(k)));
        }
        long periods = now.get("nr_periods");
        long throttled = now.get("nr_throttled");
        long throttledUsec = now.get("throttled_usec");
        Long since = limitedSince.get(g);
        // plain checks: AssertJ's per-call cost would make the 400,000 reads take half a minute
        require(throttled <= periods, g, now, "nr_throttled <= nr_periods");
        require(throttledUsec <= throttled * maxPeriod.getOrDefault(g, 0L), g, now, "throttled_usec <= nr_throttled x period");
        require(throttledUsec <= (since == null ? 0 : (clock.nanoTime() - since) / 1000), g, now,
            "throttled_usec <= the time since the first limit");
        require(now.get("nr_bursts") <= periods + writes.getOrDefault(g, 0L), g, now, "nr_bursts only at refills");
        Map<String, Long> before = last.put(g, now);
        if (before != null) {
          for (String k : KEYS) {
            require(now.get(k) >= before.get(k), g, now, k + " never decreases (was " + before.get(k) + ")");
          }
        }
      }
    }

    private void require(boolean holds, CgroupHandle g, Map<String, Long> stat, String rule) {
      if (!holds) {
        throw new AssertionError(rule + ": " + g.path() + " at " + clock.nanoTime() + " ns: " + stat);
      }
    }
  }
}
