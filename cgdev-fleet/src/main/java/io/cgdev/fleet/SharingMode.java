package io.cgdev.fleet;

/**
 * How a pod's GPU share becomes device time, chosen per run (docs/FLEET.md).
 */
public enum SharingMode {
  /**
   * Work-conserving: {@code cpu.weight} of the pod on each of its GPUs is its share in thousandths
   * (1..1000); a pod may use what the others leave.
   */
  WEIGHT,
  /**
   * Hard caps: {@code cpu.max} of the pod on each of its GPUs is its share of the period
   * ({@code <share × 100> 100000}); a pod never runs beyond its share. Its {@code cpu.weight} is its
   * share as with {@link #WEIGHT}, so that within a period, while a capped neighbour still runs, a pod
   * still gets its share (caps are budgets per period; with equal weights it would get only an equal
   * split until the neighbour's budget is spent).
   */
  MAX;

  /** The option's spelling: {@code weight} or {@code max}. */
  public String option() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
