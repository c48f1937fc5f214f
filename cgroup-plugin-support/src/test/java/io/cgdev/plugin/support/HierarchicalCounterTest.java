package io.cgdev.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class HierarchicalCounterTest {
  private final HierarchicalCounter root = new HierarchicalCounter(null);
  private final HierarchicalCounter a = new HierarchicalCounter(root);
  private final HierarchicalCounter a1 = new HierarchicalCounter(a);

  @Test
  void aChargeReachesTheRootAndAnUnchargeTakesItBack() {
    assertThat(a1.tryCharge(5)).isNull();
    assertThat(List.of(a1.usage(), a.usage(), root.usage())).containsExactly(5L, 5L, 5L);
    a1.uncharge(5, "test");
    assertThat(List.of(a1.usage(), a.usage(), root.usage())).containsExactly(0L, 0L, 0L);
    assertThat(a1.peak()).isEqualTo(5);
  }

  @Test
  void theLimitingLevelIsReturnedCountsTheEventAndNothingStaysCharged() {
    a.max(3);
    a1.charge(2, "x");
    assertThat(a1.tryCharge(2)).isSameAs(a);
    assertThat(a.maxEvents()).isEqualTo(1);
    assertThat(a1.maxEvents()).isZero();
    assertThat(List.of(a1.usage(), a.usage(), root.usage())).containsExactly(2L, 2L, 2L);
    assertThatThrownBy(() -> a1.charge(2, "gem: 2 objects"))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOSPC));
  }

  @Test
  void anUnchargeBelowZeroChangesNothing() {
    a.tryCharge(1);
    a1.tryCharge(1);
    assertThatThrownBy(() -> a1.uncharge(2, "gem"))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    assertThat(List.of(a1.usage(), a.usage(), root.usage())).containsExactly(1L, 2L, 2L);
  }

  /** Seeded random charges and uncharges against a model: usage is exact and never passes a limit. */
  @RepeatedTest(20)
  void randomSequencesMatchAModel() {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    HierarchicalCounter[] nodes = {root, a, a1, new HierarchicalCounter(root)};
    long[] model = new long[nodes.length];
    for (HierarchicalCounter n : nodes) {
      n.max(r.nextInt(3) == 0 ? Long.MAX_VALUE : r.nextInt(50));
    }
    for (int step = 0; step < 500; step++) {
      int i = r.nextInt(nodes.length);
      long n = r.nextInt(8);
      if (r.nextBoolean()) {
        boolean fits = true;
        for (HierarchicalCounter c = nodes[i]; c != null; c = c.parent()) {
          fits &= c.usage() + n <= c.max();
        }
        assertThat(nodes[i].tryCharge(n) == null).as("seed %d step %d", seed, step).isEqualTo(fits);
        if (fits) {
          model[i] += n;
        }
      } else if (model[i] >= n) {
        nodes[i].uncharge(n, "model");
        model[i] -= n;
      }
      assertThat(a1.usage()).as("seed %d", seed).isEqualTo(model[2]);
      assertThat(a.usage()).as("seed %d", seed).isEqualTo(model[1] + model[2]);
      assertThat(root.usage()).as("seed %d", seed).isEqualTo(model[0] + model[1] + model[2] + model[3]);
    }
  }

  @Test
  void rejectsNegativeAmounts() {
    assertThatThrownBy(() -> a.tryCharge(-1)).isInstanceOf(CgroupException.class);
    assertThatThrownBy(() -> a.max(-1)).isInstanceOf(CgroupException.class);
  }
}
