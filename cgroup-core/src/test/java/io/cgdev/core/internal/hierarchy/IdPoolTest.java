package io.cgdev.core.internal.hierarchy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class IdPoolTest {
  @Test
  void handsOutTheLowestFreeId() {
    IdPool p = new IdPool();
    assertThat(p.allocate()).isZero();
    assertThat(p.allocate()).isEqualTo(1);
    assertThat(p.allocate()).isEqualTo(2);
    p.release(1);
    assertThat(p.allocate()).isEqualTo(1);
    assertThat(p.allocate()).isEqualTo(3);
    assertThat(p.inUse()).isEqualTo(4);
    assertThat(p.highWater()).isEqualTo(4);
    assertThatThrownBy(() -> p.release(9)).isInstanceOf(IllegalStateException.class);
  }

  @RepeatedTest(20)
  void staysDenseUnderRandomUse() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    IdPool p = new IdPool();
    BitSet model = new BitSet();
    List<Integer> held = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      if (held.isEmpty() || rnd.nextInt(3) > 0) {
        int id = p.allocate();
        assertThat(id).as("seed %d", seed).isEqualTo(model.nextClearBit(0));
        model.set(id);
        held.add(id);
      } else {
        int id = held.remove(rnd.nextInt(held.size()));
        p.release(id);
        model.clear(id);
      }
      assertThat(p.inUse()).as("seed %d", seed).isEqualTo(model.cardinality());
    }
  }
}
