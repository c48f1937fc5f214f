package io.cgdev.fleet.internal.node;

import io.cgdev.sim.fluid.FluidAllocation;
import io.cgdev.sim.fluid.FluidSolver;
import io.cgdev.sim.fluid.FluidTree;
import java.util.Arrays;

/**
 * The {@link ShareModel} of the engine: cgdev-sim's fluid solver ({@link FluidSolver}) on a device of
 * one engine whose pods are leaves directly under the root, each with its weight, its cap and its
 * demand. Caps are budgets per period, as in CFS bandwidth control: a capped pod runs at its full
 * share until it has used its quota, then stops until the period ends, and the rate is the average
 * over the period.
 *
 * <p>The tree only grows (the solver caches its shape): it keeps as many leaves as the most pods
 * solved at once, and the leaves beyond {@code n} stand idle (demand 0, no cap), so solving again
 * after a pod came or went allocates nothing. One instance per node simulation, as the interface asks.
 */
final class FluidShare implements ShareModel {
  private final FluidTree tree = new FluidTree(1);
  private final FluidSolver solver = new FluidSolver();
  private final FluidAllocation allocation = new FluidAllocation();
  /** leaf[i]: the tree's node for the i-th pod of a solve. */
  private int[] leaf = new int[0];

  @Override
  public void solve(int n, double[] weight, double[] cap, double[] demand, double[] rate) {
    if (leaf.length < n) {
      int[] grown = Arrays.copyOf(leaf, n);
      for (int i = leaf.length; i < n; i++) {
        grown[i] = tree.leaf(FluidTree.ROOT, 1, 0, null);
      }
      leaf = grown;
    }
    for (int i = 0; i < leaf.length; i++) {
      boolean used = i < n;
      tree.weight(leaf[i], used ? weight[i] : 1)
          .cap(leaf[i], used ? cap[i] : Double.POSITIVE_INFINITY)
          .demand(leaf[i], used ? demand[i] : 0);
    }
    solver.solveInto(tree, allocation);
    for (int i = 0; i < n; i++) {
      rate[i] = allocation.rate(leaf[i]);
    }
  }
}
