package io.cgdev.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;

/** Shrinking keeps exactly what a failure needs, whatever else the sequence holds. */
class ShrinkerTest {
  @RepeatedTest(5)
  void shrinksToTheStepsTheFailureNeedsInOrder() {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    Step a = new Step.Mkdir("a");
    Step b = new Step.Mkdir("a/b");
    Step fail = new Step.Rmdir("a");
    List<Step> sequence = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      sequence.add(new Step.Read("x" + r.nextInt(10) + "/cgroup.procs"));
    }
    // the failure needs a, then b, then fail, with anything in between
    int i = r.nextInt(20);
    int j = i + 1 + r.nextInt(20);
    int k = j + 1 + r.nextInt(19);
    sequence.add(k, fail);
    sequence.add(j, b);
    sequence.add(i, a);
    Shrinker shrinker = new Shrinker(s -> s.indexOf(a) >= 0 && s.indexOf(a) < s.indexOf(b) && s.indexOf(b) < s.lastIndexOf(fail));
    List<Step> minimal = shrinker.shrink(sequence);
    assertThat(minimal).as("seed %d", seed).containsExactly(a, b, fail);
    assertThat(shrinker.tries()).as("seed %d", seed).isLessThan(Shrinker.MAX_TRIES);
  }
}
