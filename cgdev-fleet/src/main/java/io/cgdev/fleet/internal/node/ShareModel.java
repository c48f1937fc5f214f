package io.cgdev.fleet.internal.node;

/**
 * How one GPU's device time is shared among the pods running on it at a moment: the fluid model of
 * the cpu controller on a one-engine device. Each pod has its weight among the others ({@code
 * cpu.weight}), a cap in GPUs' worth ({@code cpu.max} quota / period; infinity for none) and its
 * demand in GPUs' worth (at most 1); the answer is each pod's rate, in GPUs' worth. A cap is a budget
 * per period and the rate the average over the period ({@link FluidShare}, on cgdev-sim's fluid solver).
 *
 * <p>The engine calls it from a node's simulating thread; an implementation keeps scratch space and
 * is used by one thread (one instance per node simulation). It must be deterministic.
 */
interface ShareModel {
  /**
   * Fills {@code rate[0..n)}.
   *
   * @param weight weights, > 0
   * @param cap caps, >= 0 (infinity: none)
   * @param demand demands, 0..1
   */
  void solve(int n, double[] weight, double[] cap, double[] demand, double[] rate);
}
