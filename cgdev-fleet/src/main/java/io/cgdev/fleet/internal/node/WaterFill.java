package io.cgdev.fleet.internal.node;

/**
 * The fluid share of one engine among siblings, by progressive filling: every pod not yet satisfied
 * grows at a speed proportional to its weight until the engine is full; a pod stops at its demand or
 * its cap, whichever is lower, and what it leaves goes to the others by weight (work conservation).
 * With caps this is the long-run average of CFS bandwidth control for pods whose work queues up (a
 * capped pod runs at its share of the period until its quota is used, the others take the rest).
 *
 * <p>This is the engine's own minimal implementation of {@link ShareModel}, written while the fluid
 * solver of {@code io.cgdev.sim.fluid} was not yet on main; it covers a flat set of siblings on one
 * engine, which is all a GPU of the fleet needs. O(n log n) per solve with insertion sort on small n.
 */
final class WaterFill implements ShareModel {
  private int[] order = new int[8];
  private double[] limit = new double[8];

  @Override
  public void solve(int n, double[] weight, double[] cap, double[] demand, double[] rate) {
    if (order.length < n) {
      order = new int[n * 2];
      limit = new double[n * 2];
    }
    double totalWeight = 0;
    for (int i = 0; i < n; i++) {
      limit[i] = Math.min(demand[i], cap[i]);
      totalWeight += weight[i];
      order[i] = i;
    }
    // by limit per weight, ascending: those stop first
    for (int i = 1; i < n; i++) {
      int k = order[i];
      double key = limit[k] / weight[k];
      int j = i - 1;
      while (j >= 0 && (limit[order[j]] / weight[order[j]] > key
          || (limit[order[j]] / weight[order[j]] == key && order[j] > k))) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = k;
    }
    double left = 1.0;
    for (int idx = 0; idx < n; idx++) {
      int i = order[idx];
      double fair = totalWeight <= 0 ? 0 : left * weight[i] / totalWeight;
      double r = Math.min(limit[i], fair);
      rate[i] = r;
      left = Math.max(0, left - r);
      totalWeight -= weight[i];
    }
  }
}
