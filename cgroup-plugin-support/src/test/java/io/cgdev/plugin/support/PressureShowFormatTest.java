package io.cgdev.plugin.support;

import io.cgdev.api.spi.SimulatedClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The pressure text, now formatted straight into one builder ({@link PressureGroup#show}, {@link
 * LoadAverage#append}), is byte for byte what the earlier algorithm made from a {@link
 * PressureGroup.Reading} with a string per average (kept below as {@link #formerShow} and {@link
 * #formerFormat}): on seeded random trees of groups with random waiting and running clients, clock
 * steps from a microsecond to minutes (missed averaging periods, idle stretches), accounting switched
 * off and on, both with and without a defined {@code full} line; and for the averages' format alone,
 * on random fixed-point values of every magnitude. A failure names its seed ({@code
 * -Dcgdev.pressureshow.seed=N} replays one). About a second: 200 trees of 400 steps.
 */
class PressureShowFormatTest {
  private static final int TREES = 200;
  private static final int STEPS = 400;
  private static final long US = 1_000L;
  private static final long S = 1_000_000_000L;

  @Test
  void showIsTheFormerAlgorithmsTextByteForByte() {
    forEachSeed("cgdev.pressureshow.seed", TREES, PressureShowFormatTest::tree);
  }

  @Test
  void theAveragesFormatIsTheFormerOneForEveryMagnitude() {
    forEachSeed("cgdev.pressureshow.seed", TREES, r -> {
      for (int i = 0; i < 1000; i++) {
        long x = switch (r.nextInt(4)) {
          case 0 -> r.nextInt(101 << LoadAverage.FSHIFT); // what psi averages hold: 0.00..100.00
          case 1 -> r.nextInt(1 << LoadAverage.FSHIFT); // below 1: the fraction's leading zero
          case 2 -> (long) r.nextInt(1000) << LoadAverage.FSHIFT | r.nextInt(21); // fractions .00 and .01 at the edge
          default -> r.nextLong() >>> (1 + r.nextInt(63));
        };
        String expected = formerFormat(x);
        String actual = LoadAverage.format(x);
        String appended = LoadAverage.append(new StringBuilder("x="), x).toString();
        if (!actual.equals(expected) || !appended.equals("x=" + expected)) {
          throw new AssertionError(x + ": expected " + expected + " but was " + actual + " / " + appended);
        }
      }
    });
  }

  private interface SeededCase {
    void run(Random r);
  }

  private static void forEachSeed(String property, int count, SeededCase c) {
    String one = System.getProperty(property);
    long first = one == null ? 1 : Long.parseLong(one);
    long last = one == null ? count : first;
    for (long seed = first; seed <= last; seed++) {
      try {
        c.run(new Random(seed));
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + " (replay: -D" + property + "=" + seed + "): " + e.getMessage(), e);
      }
    }
  }

  private static void tree(Random r) {
    SimulatedClock clock = new SimulatedClock();
    List<PressureGroup> groups = new ArrayList<>(List.of(PressureGroup.root(clock)));
    for (int i = 1 + r.nextInt(6); i > 0; i--) {
      groups.add(new PressureGroup(groups.get(r.nextInt(groups.size()))));
    }
    for (int step = 0; step < STEPS; step++) {
      PressureGroup g = groups.get(r.nextInt(groups.size()));
      int op = r.nextInt(100);
      if (op < 40) {
        int delayed = r.nextInt(3) - 1;
        int productive = r.nextInt(3) - 1;
        if (g.delayed() + delayed >= 0 && g.productive() + productive >= 0) {
          g.change(delayed, productive);
        }
      } else if (op < 70) {
        long dt = switch (r.nextInt(10)) {
          case 0 -> (1 + r.nextInt(300)) * S; // minutes: missed periods, decay in one step
          case 1, 2 -> (1 + r.nextInt(5)) * S;
          default -> 1 + r.nextInt((int) (50_000 * US));
        };
        clock.set(clock.nanoTime() + dt);
      } else if (op < 73) {
        g.enabled(!g.enabled());
      } else if (op < 78) {
        g.advance();
      } else {
        boolean fullDefined = r.nextBoolean();
        String expected;
        String actual;
        // the same instant either way round: a read at an instant already read changes nothing
        if (r.nextBoolean()) {
          expected = formerShow(g.read(), fullDefined);
          actual = g.show(fullDefined);
        } else {
          actual = g.show(fullDefined);
          expected = formerShow(g.read(), fullDefined);
        }
        if (!actual.equals(expected)) {
          throw new AssertionError("at " + clock.nanoTime() + " ns: expected\n" + expected + "but was\n" + actual);
        }
      }
    }
  }

  /** {@code PressureGroup.show} before it formatted into one builder. */
  private static String formerShow(PressureGroup.Reading r, boolean fullDefined) {
    StringBuilder b = new StringBuilder(128);
    for (Stall s : Stall.values()) {
      boolean zero = s == Stall.FULL && !fullDefined;
      b.append(s.label());
      String[] names = {" avg10=", " avg60=", " avg300="};
      for (int w = 0; w < 3; w++) {
        b.append(names[w]).append(formerFormat(zero ? 0 : r.fixed()[s.ordinal()][w]));
      }
      b.append(" total=").append(zero ? 0 : r.totalNanos()[s.ordinal()] / 1000).append('\n');
    }
    return b.toString();
  }

  /** {@code LoadAverage.format} before it appended to a builder. */
  private static String formerFormat(long x) {
    long frac = LoadAverage.loadFrac(x);
    return LoadAverage.loadInt(x) + (frac < 10 ? ".0" : ".") + frac;
  }
}
