package io.cgdev.fleet;

import java.util.List;

/**
 * What a fleet replay runs.
 *
 * @param policies placement policy names, in report order (each found with ServiceLoader)
 * @param mode how GPU shares become device time
 * @param seed the demand model's seed
 * @param samples chart points over the trace's horizon (at least 2)
 * @param threads worker threads for the node simulations (at least 1)
 */
public record FleetOptions(List<String> policies, SharingMode mode, long seed, int samples, int threads) {
  /** The policies the tool runs by default. */
  public static final List<String> DEFAULT_POLICIES = List.of("first-fit", "best-fit", "frag");

  public FleetOptions {
    policies = List.copyOf(policies);
    if (policies.isEmpty()) {
      throw new IllegalArgumentException("no placement policy given");
    }
    if (policies.stream().distinct().count() != policies.size()) {
      throw new IllegalArgumentException("a policy is named twice: " + policies);
    }
    if (samples < 2) {
      throw new IllegalArgumentException("samples " + samples + " is below 2");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads " + threads + " is below 1");
    }
  }

  /** The defaults: three policies, work-conserving weights, seed 1, 240 samples, one thread per core. */
  public static FleetOptions defaults() {
    return new FleetOptions(DEFAULT_POLICIES, SharingMode.WEIGHT, 1, 240, Runtime.getRuntime().availableProcessors());
  }
}
