package io.cgdev.fleet.internal.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The share model's promises, on examples and on random sets of pods (seed printed on failure). */
class WaterFillTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  private static double[] solve(double[] w, double[] cap, double[] d) {
    double[] r = new double[w.length];
    new WaterFill().solve(w.length, w, cap, d, r);
    return r;
  }

  @Test
  void examples() {
    assertThat(solve(new double[] {1, 3}, new double[] {INF, INF}, new double[] {1, 1})).containsExactly(0.25, 0.75);
    assertThat(solve(new double[] {1, 3}, new double[] {INF, INF}, new double[] {1, 0.1})).containsExactly(0.9, 0.1);
    assertThat(solve(new double[] {1, 1}, new double[] {0.3, INF}, new double[] {1, 1})).containsExactly(0.3, 0.7);
    assertThat(solve(new double[] {1, 1}, new double[] {0.3, 0.3}, new double[] {1, 1})).containsExactly(0.3, 0.3);
    assertThat(solve(new double[0], new double[0], new double[0])).isEmpty();
  }

  @RepeatedTest(200)
  void workConservingWeightedMaxMinFair() {
    long seed = System.nanoTime();
    SplittableRandom r = new SplittableRandom(seed);
    int n = 1 + r.nextInt(10);
    double[] w = new double[n];
    double[] cap = new double[n];
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = 1 + r.nextInt(1000);
      cap[i] = r.nextBoolean() ? INF : r.nextDouble();
      d[i] = r.nextDouble();
    }
    double[] rate = solve(w, cap, d);
    double sum = 0;
    double limitSum = 0;
    for (int i = 0; i < n; i++) {
      assertThat(rate[i]).as("seed %d", seed).isLessThanOrEqualTo(Math.min(d[i], cap[i]) + 1e-12).isGreaterThanOrEqualTo(0);
      sum += rate[i];
      limitSum += Math.min(d[i], cap[i]);
    }
    assertThat(sum).as("seed %d: the GPU is full or everyone has what it may take", seed)
        .isCloseTo(Math.min(1, limitSum), within(1e-9));
    // no pod below its limit gets less per weight than another pod
    for (int i = 0; i < n; i++) {
      if (rate[i] < Math.min(d[i], cap[i]) - 1e-9) {
        for (int j = 0; j < n; j++) {
          assertThat(rate[j] / w[j]).as("seed %d", seed).isLessThanOrEqualTo(rate[i] / w[i] + 1e-9);
        }
      }
    }
  }
}
