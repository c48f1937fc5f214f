package io.cgdev.sim.fluid;

import java.util.Arrays;
import java.util.BitSet;

/**
 * One device at one moment, as the fluid model sees it: engines with a capacity (1 = one engine's
 * time), and a tree of nodes under {@link #ROOT}. A <em>group</em> stands for a cgroup: a weight
 * among its siblings ({@code cpu.weight}), optionally a cap in engines' worth over all engines per
 * period ({@code cpu.max} quota / period) and an engine mask (cpuset). A <em>leaf</em> stands for a client: a weight
 * among its siblings (the cpu controller weighs clients as 100), a demand in engines' worth (the rate
 * it would run at if it got everything: at most 1 for a client that runs on one engine at a time) and the
 * engines it may run on (those of its engine class). A leaf may run on an engine when the engine is in
 * its own set and in the mask of every group above it ({@code null}: no mask).
 *
 * <p>Nodes are numbered in the order they are added, the root 0, so a parent always comes before its
 * children. The tree is mutable so that an event-driven simulation can change a demand, a weight or a
 * cap and solve again without building anything: setters are O(1). Not thread-safe; one tree per
 * device. Bad arguments throw {@link IllegalArgumentException} naming the node and the value; nothing
 * is changed then.
 */
public final class FluidTree {
  /** The root group: the whole device. */
  public static final int ROOT = 0;

  private final double[] capacity;
  private int size;
  private int[] parent = new int[16];
  private boolean[] leaf = new boolean[16];
  private double[] weight = new double[16];
  private double[] cap = new double[16];
  private double[] demand = new double[16];
  private long[][] mask = new long[16][];
  private int version;

  /** A device of {@code engines} engines of capacity 1 each; only the root. */
  public FluidTree(int engines) {
    this(filled(engines));
  }

  /** A device whose engine {@code e} has capacity {@code capacities[e]} (engines' worth, at least 0). */
  public FluidTree(double[] capacities) {
    if (capacities.length == 0) {
      throw new IllegalArgumentException("a device needs at least one engine");
    }
    for (int e = 0; e < capacities.length; e++) {
      if (!(capacities[e] >= 0) || Double.isInfinite(capacities[e])) {
        throw new IllegalArgumentException("engine " + e + ": capacity " + capacities[e] + " is not a finite number >= 0");
      }
    }
    this.capacity = capacities.clone();
    size = 1;
    parent[ROOT] = -1;
    weight[ROOT] = 1;
    cap[ROOT] = Double.POSITIVE_INFINITY;
  }

  private static double[] filled(int engines) {
    if (engines <= 0) {
      throw new IllegalArgumentException("a device needs at least one engine, not " + engines);
    }
    double[] c = new double[engines];
    Arrays.fill(c, 1.0);
    return c;
  }

  /** Adds a group under {@code parent} (a group) with {@code weight} (> 0); no cap, no mask. Returns its number. */
  public int group(int parent, double weight) {
    return add(parent, false, weight, Double.POSITIVE_INFINITY, null);
  }

  /**
   * Adds a leaf under {@code parent} (a group).
   *
   * @param weight its weight among its siblings (> 0)
   * @param demand engines' worth it would use (>= 0; infinity for "as much as it gets")
   * @param engines the engines it may run on (null: all)
   * @return its number
   */
  public int leaf(int parent, double weight, double demand, BitSet engines) {
    checkDemand(size, demand);
    int n = add(parent, true, weight, Double.POSITIVE_INFINITY, engines);
    this.demand[n] = demand;
    return n;
  }

  private int add(int p, boolean isLeaf, double w, double c, BitSet engines) {
    checkNode(p);
    if (leaf[p]) {
      throw new IllegalArgumentException("node " + p + " is a leaf: it cannot have children");
    }
    checkWeight(size, w);
    long[] m = words(size, engines);
    if (size == parent.length) {
      int n = size * 2;
      parent = Arrays.copyOf(parent, n);
      leaf = Arrays.copyOf(leaf, n);
      weight = Arrays.copyOf(weight, n);
      cap = Arrays.copyOf(cap, n);
      demand = Arrays.copyOf(demand, n);
      mask = Arrays.copyOf(mask, n);
    }
    int id = size++;
    parent[id] = p;
    leaf[id] = isLeaf;
    weight[id] = w;
    cap[id] = c;
    demand[id] = 0;
    mask[id] = m;
    version++;
    return id;
  }

  /** Sets a node's weight among its siblings (> 0). */
  public FluidTree weight(int node, double w) {
    checkNode(node);
    checkWeight(node, w);
    weight[node] = w;
    return this;
  }

  /**
   * Sets a node's cap in engines' worth over all engines (>= 0; infinity: none): a budget per period,
   * as {@code cpu.max} quota / period is (the subtree runs at its full share until the budget is used,
   * then stops until the period ends).
   */
  public FluidTree cap(int node, double engines) {
    checkNode(node);
    if (!(engines >= 0)) {
      throw new IllegalArgumentException("node " + node + ": cap " + engines + " is not a number >= 0");
    }
    cap[node] = engines;
    return this;
  }

  /** Sets a leaf's demand in engines' worth (>= 0; infinity: as much as it gets). */
  public FluidTree demand(int leafNode, double engines) {
    checkNode(leafNode);
    if (!leaf[leafNode]) {
      throw new IllegalArgumentException("node " + leafNode + " is a group: only leaves have a demand");
    }
    checkDemand(leafNode, engines);
    demand[leafNode] = engines;
    return this;
  }

  /** Sets the engines a node's subtree may use (null: no restriction); for a leaf, the engines it may run on. */
  public FluidTree mask(int node, BitSet engines) {
    checkNode(node);
    long[] m = words(node, engines);
    mask[node] = m;
    version++;
    return this;
  }

  private void checkNode(int node) {
    if (node < 0 || node >= size) {
      throw new IllegalArgumentException("no node " + node + " (the tree has " + size + ")");
    }
  }

  private static void checkWeight(int node, double w) {
    if (!(w > 0) || Double.isInfinite(w)) {
      throw new IllegalArgumentException("node " + node + ": weight " + w + " is not a finite number > 0");
    }
  }

  private static void checkDemand(int node, double d) {
    if (!(d >= 0)) {
      throw new IllegalArgumentException("node " + node + ": demand " + d + " is not a number >= 0");
    }
  }

  private long[] words(int node, BitSet engines) {
    if (engines == null) {
      return null;
    }
    if (engines.length() > capacity.length) {
      throw new IllegalArgumentException("node " + node + ": engine " + (engines.length() - 1) + " in " + engines
          + " does not exist (the device has " + capacity.length + ")");
    }
    return engines.toLongArray();
  }

  /** The number of engines. */
  public int engines() {
    return capacity.length;
  }

  /** Engine {@code e}'s capacity. */
  public double capacity(int e) {
    return capacity[e];
  }

  /** The number of nodes, the root included. */
  public int size() {
    return size;
  }

  /** A node's parent; -1 for the root. */
  public int parent(int node) {
    checkNode(node);
    return parent[node];
  }

  /** Whether a node is a leaf. */
  public boolean isLeaf(int node) {
    checkNode(node);
    return leaf[node];
  }

  /** A node's weight. */
  public double weight(int node) {
    checkNode(node);
    return weight[node];
  }

  /** A node's cap (infinity: none). */
  public double cap(int node) {
    checkNode(node);
    return cap[node];
  }

  /** A leaf's demand (0 for a group). */
  public double demand(int node) {
    checkNode(node);
    return demand[node];
  }

  /** Whether {@code node}'s own mask allows engine {@code e} (no mask allows all). */
  public boolean allows(int node, int e) {
    checkNode(node);
    long[] m = mask[node];
    return m == null || (e >> 6 < m.length && (m[e >> 6] & 1L << e) != 0);
  }

  /** Whether {@code leafNode} may run on engine {@code e}: its own set and every mask above it allow it. */
  public boolean mayRun(int leafNode, int e) {
    for (int n = leafNode; n >= 0; n = parent[n]) {
      if (!allows(n, e)) {
        return false;
      }
    }
    return true;
  }

  /** Changes with every node added and every mask set: the solver caches what depends only on the structure. */
  int version() {
    return version;
  }

  // raw access for the solver, same package, no checks

  int parentOf(int n) {
    return parent[n];
  }

  boolean leafAt(int n) {
    return leaf[n];
  }

  double weightOf(int n) {
    return weight[n];
  }

  double capOf(int n) {
    return cap[n];
  }

  double demandOf(int n) {
    return demand[n];
  }
}
