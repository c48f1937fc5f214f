package io.cgdev.fleet.internal.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The engine's share model on cgdev-sim's fluid solver: flat pods on one engine, reused across solves
 * with fewer and more pods (the solver's own properties are tested in cgdev-sim).
 */
class FluidShareTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  private final FluidShare model = new FluidShare();

  private double[] solve(double[] w, double[] cap, double[] d) {
    double[] r = new double[w.length];
    model.solve(w.length, w, cap, d, r);
    return r;
  }

  @Test
  void weightsDemandsAndCaps() {
    assertThat(solve(new double[] {1, 3}, new double[] {INF, INF}, new double[] {1, 1}))
        .containsExactly(new double[] {0.25, 0.75}, within(1e-12));
    assertThat(solve(new double[] {1, 3}, new double[] {INF, INF}, new double[] {1, 0.1}))
        .containsExactly(new double[] {0.9, 0.1}, within(1e-12));
    assertThat(solve(new double[] {1, 1}, new double[] {0.3, INF}, new double[] {1, 1}))
        .containsExactly(new double[] {0.3, 0.7}, within(1e-12));
    assertThat(solve(new double[] {1, 1}, new double[] {0.3, 0.3}, new double[] {1, 1}))
        .containsExactly(new double[] {0.3, 0.3}, within(1e-12));
  }

  @Test
  void aCapIsABudgetPerPeriodSoADemandLimitedNeighbourDoesNotMakeUpForItLater() {
    // pod 0 runs at half the GPU until its 0.3 are spent (0.6 of the period); pod 1 (demand 0.8) gets
    // 0.5 meanwhile and 0.8 after: 0.6 * 0.5 + 0.4 * 0.8 = 0.62 (a queue that catches up would give 0.7)
    assertThat(solve(new double[] {1, 1}, new double[] {0.3, INF}, new double[] {1, 0.8}))
        .containsExactly(new double[] {0.3, 0.62}, within(1e-12));
  }

  @Test
  void podsThatLeaveStandIdleAndNewOnesReuseTheirPlaces() {
    solve(new double[] {1, 1, 1, 1}, new double[] {0.1, 0.1, 0.1, 0.1}, new double[] {1, 1, 1, 1});
    assertThat(solve(new double[] {1, 3}, new double[] {INF, INF}, new double[] {1, 1}))
        .containsExactly(new double[] {0.25, 0.75}, within(1e-12));
    assertThat(solve(new double[0], new double[0], new double[0])).isEmpty();
    assertThat(solve(new double[] {2, 1, 1}, new double[] {INF, INF, INF}, new double[] {1, 1, 1}))
        .containsExactly(new double[] {0.5, 0.25, 0.25}, within(1e-12));
  }
}
