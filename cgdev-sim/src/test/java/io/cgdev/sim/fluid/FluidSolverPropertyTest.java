package io.cgdev.sim.fluid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Random trees (1-4 engines, some of lower capacity; up to three levels of groups with weights over
 * three orders of magnitude, masks and, in half of the trees, caps; leaves with engine sets and demands
 * from none to unbounded). Every solution must conserve time and respect demands, caps and masks.
 * Without caps it must also be work-conserving, give siblings that still want more on an engine equal
 * time per weight there, and agree with a naive time-stepped statement of the filling; with caps it
 * must agree with a naive time-stepped period in which capped nodes stop when their budget is used.
 * Seeded: a failure prints its seed.
 */
class FluidSolverPropertyTest {
  private static final double TOL = 1e-9;

  @RepeatedTest(100)
  void withoutCapsEveryEngineIsSharedFairlyAndFully(RepetitionInfo info) {
    long seed = 0xF1_01DL * 7919 + info.getCurrentRepetition();
    try {
      FluidTree t = randomTree(new Random(seed), false);
      FluidAllocation r = new FluidSolver().solve(t);
      checkLimits(t, r);
      checkWorkConserving(t, r);
      checkWeights(t, r);
      checkAgainstNaiveFilling(t, r);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
    }
  }

  @RepeatedTest(100)
  void withCapsThePeriodIsAveragedAsThrottlingWouldDo(RepetitionInfo info) {
    long seed = 0xCA_95L * 7919 + info.getCurrentRepetition();
    try {
      FluidTree t = randomTree(new Random(seed), true);
      FluidAllocation r = new FluidSolver().solve(t);
      checkLimits(t, r);
      checkAgainstNaivePeriod(t, r);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
    }
  }

  static FluidTree randomTree(Random rnd, boolean caps) {
    int engines = 1 + rnd.nextInt(4);
    double[] capacity = new double[engines];
    for (int e = 0; e < engines; e++) {
      capacity[e] = rnd.nextInt(5) == 0 ? 0.5 : 1.0;
    }
    FluidTree t = new FluidTree(capacity);
    List<Integer> groups = new ArrayList<>(List.of(FluidTree.ROOT));
    List<Integer> depth = new ArrayList<>(List.of(0));
    int nodes = 2 + rnd.nextInt(10);
    for (int i = 0; i < nodes; i++) {
      int k = rnd.nextInt(groups.size());
      int parent = groups.get(k);
      double weight = Math.round(Math.pow(10, rnd.nextDouble() * 3) * 10) / 10.0 + 1;
      if (depth.get(k) < 3 && rnd.nextInt(3) == 0) {
        int g = t.group(parent, weight);
        if (caps && rnd.nextInt(2) == 0) {
          t.cap(g, rnd.nextInt(6) == 0 ? 0 : 0.1 + rnd.nextDouble() * 2);
        }
        if (rnd.nextInt(4) == 0) {
          t.mask(g, randomSet(rnd, engines));
        }
        groups.add(g);
        depth.add(depth.get(k) + 1);
      } else {
        double demand = switch (rnd.nextInt(5)) {
          case 0 -> Double.POSITIVE_INFINITY;
          case 1 -> 0;
          case 2 -> 1;
          default -> rnd.nextDouble() * 1.5;
        };
        int leaf = t.leaf(parent, rnd.nextInt(3) == 0 ? weight : 100, demand, rnd.nextInt(3) == 0 ? null : randomSet(rnd, engines));
        if (caps && rnd.nextInt(6) == 0) {
          t.cap(leaf, rnd.nextDouble());
        }
      }
    }
    return t;
  }

  private static BitSet randomSet(Random rnd, int engines) {
    BitSet b = new BitSet();
    do {
      for (int e = 0; e < engines; e++) {
        if (rnd.nextBoolean()) {
          b.set(e);
        }
      }
    } while (b.isEmpty());
    return b;
  }

  /** What holds with and without caps: conservation, demands, caps, masks, and bounds that say the truth. */
  private static void checkLimits(FluidTree t, FluidAllocation r) {
    int engines = t.engines();
    for (int e = 0; e < engines; e++) {
      double load = 0;
      for (int n = 0; n < t.size(); n++) {
        if (t.isLeaf(n)) {
          double x = r.rate(n, e);
          assertThat(x).as("rate of %d on %d", n, e).isGreaterThanOrEqualTo(0);
          if (!t.mayRun(n, e)) {
            assertThat(x).as("masked leaf %d on engine %d", n, e).isZero();
          }
          load += x;
        }
      }
      // conservation: an engine gives at most its capacity, and the groups' rates are their leaves'
      assertThat(load).as("load of engine %d", e).isLessThanOrEqualTo(t.capacity(e) + TOL);
      assertThat(r.engineLoad(e)).isCloseTo(load, within(TOL));
    }
    for (int n = 0; n < t.size(); n++) {
      assertThat(r.rate(n)).as("rate of %d within its cap", n).isLessThanOrEqualTo(t.cap(n) + TOL);
      if (t.isLeaf(n)) {
        assertThat(r.rate(n)).as("rate of leaf %d within its demand", n).isLessThanOrEqualTo(t.demand(n) + TOL);
        switch (r.bound(n)) {
          case DEMAND -> assertThat(r.rate(n)).as("leaf %d met", n).isCloseTo(t.demand(n), within(1e-7));
          case CAP -> assertThat(r.rate(r.boundNode(n))).as("cap of %d used up", r.boundNode(n))
              .isCloseTo(t.cap(r.boundNode(n)), within(1e-7));
          case SHARE -> assertThat(r.rate(n)).as("leaf %d wanted more", n).isLessThan(t.demand(n));
          case NO_ENGINE -> assertThat(r.rate(n)).isZero();
        }
      }
    }
  }

  /** Without caps: an engine with time to spare has nobody left who wants it, and unsatisfied leaves' engines are busy. */
  private static void checkWorkConserving(FluidTree t, FluidAllocation r) {
    for (int e = 0; e < t.engines(); e++) {
      boolean busy = r.engineLoad(e) >= t.capacity(e) - 1e-7;
      for (int n = 0; n < t.size(); n++) {
        if (t.isLeaf(n) && t.mayRun(n, e) && t.capacity(e) > 0) {
          if (!busy) {
            assertThat(r.bound(n)).as("leaf %d may run on the idle part of engine %d", n, e).isEqualTo(Bound.DEMAND);
          }
          if (r.bound(n) == Bound.SHARE) {
            assertThat(busy).as("engine %d of unsatisfied leaf %d is busy", e, n).isTrue();
          }
        }
      }
    }
  }

  /**
   * On every engine, among the children of a group, one that still wants more there (an unsatisfied
   * leaf below it may run there) has at least as much time per weight as any sibling, and exactly as
   * much as another such sibling.
   */
  private static void checkWeights(FluidTree t, FluidAllocation r) {
    for (int e = 0; e < t.engines(); e++) {
      for (int p = 0; p < t.size(); p++) {
        if (t.isLeaf(p)) {
          continue;
        }
        double level = Double.NaN;
        for (int c = 1; c < t.size(); c++) {
          if (t.parent(c) == p && wantsMore(t, r, c, e)) {
            double l = r.rate(c, e) / t.weight(c);
            if (Double.isNaN(level)) {
              level = l;
            } else {
              assertThat(l).as("time per weight of %d on engine %d beside a sibling that also wants more", c, e)
                  .isCloseTo(level, within(1e-7 * Math.max(1, level)));
            }
          }
        }
        if (Double.isNaN(level)) {
          continue;
        }
        for (int c = 1; c < t.size(); c++) {
          if (t.parent(c) == p) {
            assertThat(r.rate(c, e) / t.weight(c)).as("child %d of %d on engine %d has no more than those who want more", c, p, e)
                .isLessThanOrEqualTo(level * (1 + 1e-7) + 1e-12);
          }
        }
      }
    }
  }

  private static boolean wantsMore(FluidTree t, FluidAllocation r, int node, int e) {
    for (int l = 0; l < t.size(); l++) {
      if (t.isLeaf(l) && r.bound(l) == Bound.SHARE && t.mayRun(l, e) && t.capacity(e) > 0 && below(t, l, node)) {
        return true;
      }
    }
    return false;
  }

  private static boolean below(FluidTree t, int n, int ancestor) {
    for (int m = n; m >= 0; m = t.parent(m)) {
      if (m == ancestor) {
        return true;
      }
    }
    return false;
  }

  /** The filling stated naively: small steps of filling time, each engine split top-down among those who still grow. */
  private static void checkAgainstNaiveFilling(FluidTree t, FluidAllocation r) {
    int steps = 4_000;
    double dt = 1.0 / steps;
    int size = t.size();
    double[] taken = new double[size];
    boolean[] stopped = new boolean[size];
    for (int n = 0; n < size; n++) {
      stopped[n] = t.isLeaf(n) && t.demand(n) <= 0;
    }
    for (int s = 0; s < steps; s++) {
      double[] grow = new double[size];
      for (int e = 0; e < t.engines(); e++) {
        // which nodes lead to a leaf that still grows on e, and the weights of those children per parent
        boolean[] grows = new boolean[size];
        double[] childWeights = new double[size];
        for (int l = 0; l < size; l++) {
          if (t.isLeaf(l) && !stopped[l] && t.mayRun(l, e) && t.capacity(e) > 0) {
            for (int m = l; m >= 0 && !grows[m]; m = t.parent(m)) {
              grows[m] = true;
              if (m > 0) {
                childWeights[t.parent(m)] += t.weight(m);
              }
            }
          }
        }
        double[] amount = new double[size];
        amount[0] = grows[0] ? t.capacity(e) * dt : 0;
        for (int n = 1; n < size; n++) {
          if (grows[n]) {
            amount[n] = amount[t.parent(n)] * t.weight(n) / childWeights[t.parent(n)];
            if (t.isLeaf(n)) {
              grow[n] += amount[n];
            }
          }
        }
      }
      // a leaf that would pass its demand in this step takes only what is left
      for (int n = 0; n < size; n++) {
        if (t.isLeaf(n) && grow[n] > 0) {
          double room = t.demand(n) - taken[n];
          if (grow[n] >= room) {
            grow[n] = room;
            stopped[n] = true;
          }
          for (int m = n; m >= 0; m = t.parent(m)) {
            taken[m] += grow[n];
          }
        }
      }
    }
    for (int n = 0; n < size; n++) {
      assertThat(r.rate(n)).as("node %d against the naive filling", n).isCloseTo(taken[n], within(1e-3 * t.engines()));
    }
  }

  /**
   * The period stated naively: small steps of real time; in each, the allocation of the tree without
   * caps, the leaves below stopped nodes asking for nothing; a node whose budget (its cap) is used up
   * stops. The allocation without caps is the solver's own, checked against the naive filling above.
   */
  private static void checkAgainstNaivePeriod(FluidTree t, FluidAllocation r) {
    int steps = 2_000;
    double dt = 1.0 / steps;
    int size = t.size();
    double[] used = new double[size];
    boolean[] stopped = new boolean[size];
    FluidSolver solver = new FluidSolver();
    FluidAllocation moment = new FluidAllocation();
    boolean changed = true;
    for (int s = 0; s < steps; s++) {
      if (changed) {
        solver.solveInto(uncapped(t, stopped), moment);
        changed = false;
      }
      for (int n = 0; n < size; n++) {
        used[n] += moment.rate(n) * dt;
      }
      for (int n = 0; n < size; n++) {
        if (!stopped[n] && used[n] >= t.cap(n) - 1e-12) {
          changed = true;
          for (int m = 0; m < size; m++) {
            if (below(t, m, n)) {
              stopped[m] = true;
            }
          }
        }
      }
    }
    for (int n = 0; n < size; n++) {
      assertThat(r.rate(n)).as("node %d against the naive period", n).isCloseTo(used[n], within(2e-3 * t.engines()));
    }
  }

  /** {@code t} without caps, and without demand below the nodes marked stopped. */
  private static FluidTree uncapped(FluidTree t, boolean[] stopped) {
    double[] capacity = new double[t.engines()];
    for (int e = 0; e < capacity.length; e++) {
      capacity[e] = t.capacity(e);
    }
    FluidTree copy = new FluidTree(capacity);
    for (int n = 1; n < t.size(); n++) {
      int id = t.isLeaf(n) ? copy.leaf(t.parent(n), t.weight(n), stopped[n] ? 0 : t.demand(n), mask(t, n))
          : copy.group(t.parent(n), t.weight(n));
      copy.mask(id, mask(t, n));
    }
    return copy;
  }

  private static BitSet mask(FluidTree t, int node) {
    BitSet m = new BitSet();
    for (int e = 0; e < t.engines(); e++) {
      if (t.allows(node, e)) {
        m.set(e);
      }
    }
    return m;
  }
}
