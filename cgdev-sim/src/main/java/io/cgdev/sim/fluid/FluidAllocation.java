package io.cgdev.sim.fluid;

import java.util.Arrays;

/**
 * A {@link FluidSolver} solution for one {@link FluidTree}: every node's rate in engines' worth (a
 * group's is the sum of its leaves'), per engine and in total, and for every leaf what bounded it.
 * Rates are device time per unit of time: a leaf with rate 0.5 on engine 3 runs there half of the
 * time. Mutable only by the solver (which may reuse it for the next solve); read from one thread.
 */
public final class FluidAllocation {
  int nodes;
  int engines;
  double[] rate = new double[0];
  /** rate per node and engine, node-major: {@code engineRate[node * engines + e]}. */
  double[] engineRate = new double[0];
  Bound[] bound = new Bound[0];
  int[] boundNode = new int[0];

  /** An empty allocation for {@link FluidSolver#solveInto} to fill. */
  public FluidAllocation() {}

  void reset(int nodeCount, int engineCount) {
    nodes = nodeCount;
    engines = engineCount;
    if (rate.length < nodeCount) {
      int n = Math.max(nodeCount, rate.length * 2);
      rate = new double[n];
      bound = new Bound[n];
      boundNode = new int[n];
    }
    if (engineRate.length < nodeCount * engineCount) {
      engineRate = new double[Math.max(nodeCount * engineCount, engineRate.length * 2)];
    }
    Arrays.fill(rate, 0, nodeCount, 0.0);
    Arrays.fill(engineRate, 0, nodeCount * engineCount, 0.0);
    Arrays.fill(bound, 0, nodeCount, null);
    Arrays.fill(boundNode, 0, nodeCount, -1);
  }

  /** The number of nodes of the tree it solves. */
  public int nodes() {
    return nodes;
  }

  /** A node's rate over all engines, in engines' worth. */
  public double rate(int node) {
    check(node);
    return rate[node];
  }

  /** A node's rate on engine {@code e}. */
  public double rate(int node, int e) {
    check(node);
    if (e < 0 || e >= engines) {
      throw new IllegalArgumentException("no engine " + e + " (the device has " + engines + ")");
    }
    return engineRate[node * engines + e];
  }

  /** The rates of all nodes on engine {@code e} summed: its busy fraction times its capacity. */
  public double engineLoad(int e) {
    return rate(0, e);
  }

  /** What bounded a leaf; {@code null} for a group. */
  public Bound bound(int node) {
    check(node);
    return bound[node];
  }

  /** For a leaf bounded by {@link Bound#CAP}: the node whose cap it hit; else -1. */
  public int boundNode(int node) {
    check(node);
    return boundNode[node];
  }

  private void check(int node) {
    if (node < 0 || node >= nodes) {
      throw new IllegalArgumentException("no node " + node + " (the tree has " + nodes + ")");
    }
  }
}
