package io.cgdev.sim.fluid;

import java.util.Arrays;

/**
 * Computes the fluid allocation of a {@link FluidTree}: every leaf's device time per unit of time,
 * per engine, as the cpu controller's scheduler gives it on average when time is infinitely divisible.
 *
 * <p><b>At any moment</b> (no cap throttling): on every engine, time is split level by level among the
 * children that have work there — those with a leaf below that may run on that engine — in proportion
 * to their weights (the controller keeps virtual time per engine); a leaf never runs faster than its
 * demand, and what it leaves goes to the others, by weight, on each engine. This is a weighted max-min
 * fair allocation per engine, found by progressive filling: every engine pours its capacity over a
 * filling time from 0 to 1, split down the tree among those still taking more; a leaf grows on all its
 * engines at once and stops when its demand is met ({@link Bound#DEMAND}); leaves still growing at 1
 * have their weighted share of engines that are all busy ({@link Bound#SHARE}). Between two stops every
 * speed is constant, so the filling jumps from stop to stop: at most one per leaf. A leaf that stops
 * for its demand is spread over its engines in proportion to its shares of them.
 *
 * <p><b>Caps</b> are budgets per period, as in CFS bandwidth control ({@code cpu.max}): a capped node
 * runs at its full share until it has used {@code cap} engines' worth of the period, then its whole
 * subtree stops until the period ends ({@link Bound#CAP}) and the others share what it leaves. The
 * result is the average over one period, every cap's period starting together (exact when the capped
 * groups share one period length and started together, as those a scenario writes at its start). So
 * the solver runs the period as phases: it fills, lets time pass until the next capped node's budget is
 * used up, stops that node, fills again: at most one phase per capped node, plus one.
 *
 * <p>What this gives: on every engine the leaves' rates sum to at most its capacity, and to exactly its
 * capacity at any moment in which some leaf that may run there is neither satisfied nor stopped by a cap
 * (work conservation); no leaf exceeds its demand, no node its cap; nothing runs on an engine its masks
 * forbid; and at any moment siblings that both still want more on an engine have equal time there per
 * weight, and a sibling that wants no more has no more than they.
 *
 * <p>Why per engine and not one max-min over the whole device: the cpu controller keeps virtual time
 * per engine, so a group's weight entitles it to a part of <em>every</em> engine it has work for, even
 * if it could be compensated elsewhere. With engines {0, 1}, group A (weight 100) masked to {0} and B
 * (weight 100) on both, each with ample demand, the controller gives A half of engine 0 and B the rest
 * (0.5 : 1.5); a device-wide max-min would give 1 : 1. This class models the controller.
 *
 * <p>Cost: O((C + 1) × L × (E + depth)) for C capped nodes, L leaves and E engines, with scratch
 * arrays kept between calls, so that solving the same tree again after a change allocates nothing.
 * Not thread-safe: one solver per thread.
 */
public final class FluidSolver {
  /** Relative tolerance under which a demand, cap or the end of filling counts as reached (rounding of event times). */
  private static final double EPS = 1e-12;

  private int n;
  private int engines;
  // structure, recomputed when the tree's shape changes
  private FluidTree cachedTree;
  private int cachedVersion = -1;
  private int cachedSize = -1;
  private int[] leaves = new int[0];
  private int leafCount;
  /** eligible engines of leaf i: pairEngine[pairStart[i] .. pairStart[i + 1]) */
  private int[] pairStart = new int[1];
  private int[] pairEngine = new int[0];
  private int[] capped = new int[0];
  private int cappedCount;
  // per fill
  private int[] growing = new int[0];
  private double[] leafGrowth = new double[0];
  private double[] leafTaken = new double[0];
  private double[] pairGrowth = new double[0];
  private double[] pairRate = new double[0];
  private Bound[] phaseBound = new Bound[0];
  // per solve: the period's phases
  private double[] pairAverage = new double[0];
  private boolean[] stopped = new boolean[0];
  private double[] budget = new double[0];
  private double[] nodeRate = new double[0];
  private double[] below = new double[0];
  private boolean[] sawShare = new boolean[0];
  // per filling step and engine, index e * n + node
  private int[] activeStamp = new int[0];
  private int[] sumStamp = new int[0];
  private double[] childWeights = new double[0];
  private int[] fracStamp = new int[0];
  private double[] frac = new double[0];
  private int[] stack = new int[0];
  private int stamp;

  /** A solver with empty scratch space; it grows to the largest tree solved. */
  public FluidSolver() {}

  /** Solves {@code tree} into a new allocation. */
  public FluidAllocation solve(FluidTree tree) {
    FluidAllocation a = new FluidAllocation();
    solveInto(tree, a);
    return a;
  }

  /** Solves {@code tree} into {@code into}, overwriting it (no allocation once the scratch space has grown). */
  public void solveInto(FluidTree tree, FluidAllocation into) {
    prepare(tree);
    into.reset(n, engines);
    int pairs = pairStart[leafCount];
    Arrays.fill(pairAverage, 0, pairs, 0.0);
    Arrays.fill(stopped, 0, n, false);
    Arrays.fill(sawShare, 0, leafCount, false);
    for (int c = 0; c < cappedCount; c++) {
      budget[c] = tree.capOf(capped[c]);
    }
    double time = 0;
    for (int phase = 0; phase <= cappedCount; phase++) {
      fill(tree);
      // how fast each capped node that still runs spends its budget, and when the first runs out
      double step = 1 - time;
      if (cappedCount > 0) {
        sumBelow(tree);
      }
      for (int c = 0; c < cappedCount; c++) {
        nodeRate[c] = stopped[capped[c]] ? 0 : below[capped[c]];
        if (nodeRate[c] > 0) {
          step = Math.min(step, budget[c] / nodeRate[c]);
        }
      }
      step = Math.max(step, 0);
      for (int p = 0; p < pairs; p++) {
        pairAverage[p] += pairRate[p] * step;
      }
      for (int i = 0; i < leafCount; i++) {
        if (phaseBound[i] == Bound.SHARE && step > 0) {
          sawShare[i] = true;
        }
      }
      time += step;
      boolean stop = false;
      for (int c = 0; c < cappedCount; c++) {
        budget[c] -= nodeRate[c] * step;
        if (!stopped[capped[c]] && nodeRate[c] > 0 && budget[c] <= EPS * Math.max(1, tree.capOf(capped[c]))) {
          stopped[capped[c]] = true;
          stop = true;
        }
      }
      if (time >= 1 - EPS || !stop) {
        break;
      }
    }
    for (int p = 0; p < pairs; p++) {
      pairRate[p] = pairAverage[p];
    }
    for (int i = 0; i < leafCount; i++) {
      int leaf = leaves[i];
      int stoppedAt = stoppedAbove(tree, leaf);
      if (stoppedAt >= 0) {
        into.bound[leaf] = Bound.CAP;
        into.boundNode[leaf] = stoppedAt;
      } else if (sawShare[i]) {
        into.bound[leaf] = Bound.SHARE;
      } else {
        into.bound[leaf] = phaseBound[i];
      }
    }
    collect(tree, into);
  }

  /**
   * One moment's allocation, by progressive filling, into {@link #pairRate} and {@link #phaseBound}:
   * leaves below a {@link #stopped} node take nothing.
   */
  private void fill(FluidTree tree) {
    int pairs = pairStart[leafCount];
    Arrays.fill(pairRate, 0, pairs, 0.0);
    int g = 0;
    for (int i = 0; i < leafCount; i++) {
      int leaf = leaves[i];
      leafTaken[i] = 0;
      if (pairStart[i] == pairStart[i + 1]) {
        phaseBound[i] = Bound.NO_ENGINE;
      } else if (stoppedAbove(tree, leaf) >= 0) {
        phaseBound[i] = Bound.CAP;
      } else if (tree.demandOf(leaf) <= 0) {
        phaseBound[i] = Bound.DEMAND;
      } else {
        growing[g++] = i;
      }
    }
    double tau = 0;
    while (g > 0) {
      if (++stamp == Integer.MAX_VALUE) {
        resetStamps();
      }
      markActive(tree, g);
      double step = 1 - tau;
      for (int k = 0; k < g; k++) {
        int i = growing[k];
        int leaf = leaves[i];
        double sum = 0;
        for (int p = pairStart[i]; p < pairStart[i + 1]; p++) {
          double r = share(tree, pairEngine[p], leaf);
          pairGrowth[p] = r;
          sum += r;
        }
        leafGrowth[i] = sum;
        step = Math.min(step, (tree.demandOf(leaf) - leafTaken[i]) / sum);
      }
      step = Math.max(step, 0);
      tau += step;
      boolean full = tau >= 1 - EPS;
      int kept = 0;
      for (int k = 0; k < g; k++) {
        int i = growing[k];
        leafTaken[i] += leafGrowth[i] * step;
        for (int p = pairStart[i]; p < pairStart[i + 1]; p++) {
          pairRate[p] += pairGrowth[p] * step;
        }
        if (reached(tree.demandOf(leaves[i]), leafTaken[i])) {
          phaseBound[i] = Bound.DEMAND;
        } else if (full) {
          phaseBound[i] = Bound.SHARE;
        } else {
          growing[kept++] = i;
        }
      }
      g = kept;
    }
  }

  /** Whether {@code used} has reached a finite {@code limit}, up to the rounding of the event times. */
  private static boolean reached(double limit, double used) {
    return limit != Double.POSITIVE_INFINITY && limit - used <= EPS * Math.max(1, limit);
  }

  /** The nearest node at or above {@code leaf} that a cap has stopped; -1 if none. */
  private int stoppedAbove(FluidTree tree, int leaf) {
    for (int a = leaf; a >= 0; a = tree.parentOf(a)) {
      if (stopped[a]) {
        return a;
      }
    }
    return -1;
  }

  /** Every node's current rate, the sum of the {@link #pairRate}s of the leaves at or below it, into {@link #below}. */
  private void sumBelow(FluidTree tree) {
    Arrays.fill(below, 0, n, 0.0);
    for (int i = 0; i < leafCount; i++) {
      double r = 0;
      for (int p = pairStart[i]; p < pairStart[i + 1]; p++) {
        r += pairRate[p];
      }
      if (r > 0) {
        for (int a = leaves[i]; a >= 0; a = tree.parentOf(a)) {
          below[a] += r;
        }
      }
    }
  }

  /** Marks, per engine, the nodes that lead to a growing leaf, and sums their weights at each parent. */
  private void markActive(FluidTree tree, int g) {
    for (int k = 0; k < g; k++) {
      int i = growing[k];
      int leaf = leaves[i];
      for (int p = pairStart[i]; p < pairStart[i + 1]; p++) {
        int base = pairEngine[p] * n;
        for (int m = leaf; m != FluidTree.ROOT; ) {
          if (activeStamp[base + m] == stamp) {
            break;
          }
          activeStamp[base + m] = stamp;
          int parent = tree.parentOf(m);
          if (sumStamp[base + parent] != stamp) {
            sumStamp[base + parent] = stamp;
            childWeights[base + parent] = 0;
          }
          childWeights[base + parent] += tree.weightOf(m);
          m = parent;
        }
      }
    }
  }

  /** The part of engine {@code e}'s pour that reaches {@code node}: the product of weight fractions on the way down. */
  private double share(FluidTree tree, int e, int node) {
    int base = e * n;
    int sp = 0;
    int m = node;
    while (m != FluidTree.ROOT && fracStamp[base + m] != stamp) {
      stack[sp++] = m;
      m = tree.parentOf(m);
    }
    double f = m == FluidTree.ROOT ? tree.capacity(e) : frac[base + m];
    while (sp > 0) {
      m = stack[--sp];
      f = f * tree.weightOf(m) / childWeights[base + tree.parentOf(m)];
      frac[base + m] = f;
      fracStamp[base + m] = stamp;
    }
    return f;
  }

  /** Leaves' rates into the allocation, summed up the tree per engine and in total. */
  private void collect(FluidTree tree, FluidAllocation into) {
    for (int i = 0; i < leafCount; i++) {
      int leaf = leaves[i];
      for (int p = pairStart[i]; p < pairStart[i + 1]; p++) {
        double r = pairRate[p];
        if (r == 0) {
          continue;
        }
        int e = pairEngine[p];
        for (int m = leaf; m >= 0; m = tree.parentOf(m)) {
          into.engineRate[m * engines + e] += r;
          into.rate[m] += r;
        }
      }
    }
  }

  /** Sizes the scratch space and, when the tree's shape changed, recomputes leaves and eligible engines. */
  private void prepare(FluidTree tree) {
    boolean shape = tree != cachedTree || tree.version() != cachedVersion || tree.size() != cachedSize;
    n = tree.size();
    engines = tree.engines();
    if (shape) {
      cachedTree = tree;
      cachedVersion = tree.version();
      cachedSize = n;
      leafCount = 0;
      if (leaves.length < n) {
        leaves = new int[n];
        pairStart = new int[n + 1];
      }
      for (int m = 0; m < n; m++) {
        if (tree.leafAt(m)) {
          leaves[leafCount++] = m;
        }
      }
      if (pairEngine.length < leafCount * engines) {
        pairEngine = new int[leafCount * engines];
      }
      int pairs = 0;
      for (int i = 0; i < leafCount; i++) {
        pairStart[i] = pairs;
        for (int e = 0; e < engines; e++) {
          if (tree.capacity(e) > 0 && tree.mayRun(leaves[i], e)) {
            pairEngine[pairs++] = e;
          }
        }
      }
      pairStart[leafCount] = pairs;
    }
    if (capped.length < n) {
      capped = new int[n];
      budget = new double[n];
      nodeRate = new double[n];
      below = new double[n];
      stopped = new boolean[n];
      stack = new int[n];
    }
    cappedCount = 0;
    for (int m = 0; m < n; m++) {
      if (tree.capOf(m) != Double.POSITIVE_INFINITY) {
        capped[cappedCount++] = m;
      }
    }
    if (growing.length < leafCount) {
      growing = new int[leafCount];
      leafGrowth = new double[leafCount];
      leafTaken = new double[leafCount];
      phaseBound = new Bound[leafCount];
      sawShare = new boolean[leafCount];
    }
    int pairs = pairStart[leafCount];
    if (pairGrowth.length < pairs) {
      pairGrowth = new double[pairs];
      pairRate = new double[pairs];
      pairAverage = new double[pairs];
    }
    if (activeStamp.length < n * engines) {
      int size = n * engines;
      activeStamp = new int[size];
      sumStamp = new int[size];
      childWeights = new double[size];
      fracStamp = new int[size];
      frac = new double[size];
      stamp = 0;
    }
  }

  private void resetStamps() {
    Arrays.fill(activeStamp, 0);
    Arrays.fill(sumStamp, 0);
    Arrays.fill(fracStamp, 0);
    stamp = 1;
  }
}
