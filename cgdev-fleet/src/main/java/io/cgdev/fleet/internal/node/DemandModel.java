package io.cgdev.fleet.internal.node;

import java.util.SplittableRandom;

/**
 * The workload a pod brings to its GPUs, seeded per pod (docs/FLEET.md, "Demand model"). A pod's life
 * is a sequence of phases of exponentially distributed length (mean {@link #MEAN_PHASE_SECONDS}, at
 * least {@link #MIN_PHASE_SECONDS}); each phase is, independently:
 * <ul>
 *   <li><b>steady</b> (probability 0.70): device time 0.6–1.0 × its share, memory 0.5–0.95 × its share;
 *   <li><b>burst</b> (0.15): device time 1.2–2.0 × its share (at most the whole GPU), memory 1.0–1.25 ×
 *       its share (so allocations beyond {@code memory.max} are refused);
 *   <li><b>idle</b> (0.15): device time 0–0.2 × its share, memory 0.5–0.95 × its share (it keeps its data).
 * </ul>
 * Values are uniform in their ranges. The same seed and pod give the same phases whatever the policy,
 * the node or the thread, so policies are compared on the same demand. Not thread-safe: one per pod.
 */
final class DemandModel implements PodDemand {
  static final double MEAN_PHASE_SECONDS = 1800;
  static final double MIN_PHASE_SECONDS = 60;
  private final SplittableRandom random;
  private final double share;
  private double compute;
  private double memory;

  /**
   * @param seed the run's seed
   * @param pod the pod's number in the trace
   * @param share the pod's share of each of its GPUs, 0..1
   */
  DemandModel(long seed, int pod, double share) {
    this.random = new SplittableRandom(mix(seed, pod));
    this.share = share;
  }

  private static long mix(long seed, int pod) {
    long z = seed * 0x9E3779B97F4A7C15L + pod;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public double next() {
    double kind = random.nextDouble();
    double c = random.nextDouble();
    double m = random.nextDouble();
    boolean burst = kind >= 0.70 && kind < 0.85;
    if (kind < 0.70) {
      compute = share * (0.6 + 0.4 * c);
      memory = 0.5 + 0.45 * m;
    } else if (burst) {
      compute = Math.min(1.0, share * (1.2 + 0.8 * c));
      memory = 1.0 + 0.25 * m;
    } else {
      compute = share * 0.2 * c;
      memory = 0.5 + 0.45 * m;
    }
    double length = -Math.log(1 - random.nextDouble()) * MEAN_PHASE_SECONDS;
    return Math.max(MIN_PHASE_SECONDS, length);
  }

  @Override
  public double compute() {
    return compute;
  }

  @Override
  public double memory() {
    return memory;
  }
}
