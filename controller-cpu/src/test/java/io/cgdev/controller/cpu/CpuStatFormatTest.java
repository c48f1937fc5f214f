package io.cgdev.controller.cpu;

import io.cgdev.api.Keyed;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.testkit.FakeClock;
import io.cgdev.testkit.TestBinding;
import io.cgdev.testkit.TestCgroups;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code cpu.stat}'s text, now written straight into one builder ({@link CpuState#stat}), is byte for
 * byte what the earlier algorithm made through {@link Keyed#flat()} (kept below as {@link #formerStat}):
 * on seeded random devices (1 to 12 engines, names of 1 to 32 characters, the longest allowed, so
 * that a text outgrows the builder's first size), random trees (the root prints only the usage keys)
 * and random counters of 1 to 18 digits. A failure names its seed ({@code
 * -Dcgdev.cpustatformat.seed=N} replays one). Well under a second: 300 devices.
 */
class CpuStatFormatTest {
  private static final int DEVICES = 300;

  @Test
  void theTextIsTheFormerAlgorithmsByteForByte() {
    String one = System.getProperty("cgdev.cpustatformat.seed");
    long first = one == null ? 1 : Long.parseLong(one);
    long last = one == null ? DEVICES : first;
    for (long seed = first; seed <= last; seed++) {
      try {
        device(new Random(seed));
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + " (replay: -Dcgdev.cpustatformat.seed=" + seed + "): " + e.getMessage(), e);
      }
    }
  }

  private static void device(Random r) {
    String[] engines = new String[1 + r.nextInt(12)];
    for (int e = 0; e < engines.length; e++) {
      engines[e] = name(r, e);
    }
    TestCgroups cgroups = new TestCgroups();
    TestBinding<CpuState> gpu = cgroups.bind(new CpuController(), TestDevices.gpu0(new FakeClock(), engines));
    List<CgroupHandle> groups = new ArrayList<>(List.of(cgroups.root()));
    for (int i = 1 + r.nextInt(4); i > 0; i--) {
      groups.add(cgroups.mkdir(groups.get(r.nextInt(groups.size())), "g" + i));
    }
    for (int round = 0; round < 5; round++) {
      for (CgroupHandle g : groups) {
        CpuState s = gpu.state(g);
        for (int e = 0; e < engines.length; e++) {
          s.addUsage(e, magnitude(r) / engines.length);
        }
        s.pool.nrPeriods = magnitude(r);
        s.pool.nrThrottled = magnitude(r);
        s.pool.throttledNanos = magnitude(r);
        s.pool.nrBursts = magnitude(r);
        s.pool.burstNanos = magnitude(r);
        String expected = formerStat(s);
        String actual = gpu.read(g, "cpu.stat");
        if (!actual.equals(expected)) {
          throw new AssertionError(g.path() + ": expected\n" + expected + "but was\n" + actual);
        }
      }
      for (CgroupHandle g : groups) { // counters only grow in the controller: start again from 0 now and then
        if (r.nextInt(4) == 0) {
          CpuState s = gpu.state(g);
          for (int e = 0; e < engines.length; e++) {
            s.usage.set(e, 0);
          }
        }
      }
    }
  }

  /** A random engine name, unique by its index, of 1 to 32 characters. */
  private static String name(Random r, int index) {
    StringBuilder b = new StringBuilder().append((char) ('a' + r.nextInt(26)));
    for (int n = r.nextInt(30); n > 0; n--) {
      b.append((char) ('a' + r.nextInt(26)));
    }
    return b.append(index).toString();
  }

  /** 0, or a random number of up to 18 digits. */
  private static long magnitude(Random r) {
    int digits = r.nextInt(19);
    long bound = 1;
    for (int d = 0; d < digits; d++) {
      bound *= 10;
    }
    return digits == 0 ? 0 : Math.floorMod(r.nextLong(), bound);
  }

  /** {@code CpuState.stat} as it was before it wrote into one builder: through {@link Keyed.Flat}. */
  private static String formerStat(CpuState s) {
    long total = 0;
    long[] perEngine = new long[s.usage.length()];
    for (int e = 0; e < perEngine.length; e++) {
      perEngine[e] = s.usage.getAcquire(e);
      total += perEngine[e];
    }
    Keyed.Flat out = Keyed.flat().put("usage_usec", total / 1000);
    if (!s.isRoot()) {
      out.put("nr_periods", s.pool.nrPeriods)
          .put("nr_throttled", s.pool.nrThrottled)
          .put("throttled_usec", s.pool.throttledNanos / 1000)
          .put("nr_bursts", s.pool.nrBursts)
          .put("burst_usec", s.pool.burstNanos / 1000);
    }
    for (int e = 0; e < perEngine.length; e++) {
      out.put("usage_usec." + s.binding.engineName(e), perEngine[e] / 1000);
    }
    return out.toString();
  }
}
