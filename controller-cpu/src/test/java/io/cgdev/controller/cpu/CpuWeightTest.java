package io.cgdev.controller.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.testkit.FakeClock;
import io.cgdev.testkit.TestBinding;
import io.cgdev.testkit.TestCgroups;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Properties of the weight / nice codec, against the kernel's rounding. */
class CpuWeightTest {
  @Test
  void everyWeightReadsBackAsWritten() {
    for (int w = 1; w <= 10_000; w++) {
      assertThat(CpuWeight.weightOf(CpuWeight.parseWeight(Integer.toString(w)))).isEqualTo(w);
    }
  }

  @Test
  void everyNiceReadsBackAsWritten() {
    for (int n = -20; n <= 19; n++) {
      assertThat(CpuWeight.niceOf(CpuWeight.parseNice(Integer.toString(n)))).isEqualTo(n);
    }
  }

  @ParameterizedTest
  @CsvSource({"0,100", "-20,8668", "19,1", "1,80", "-1,125", "-10,932"})
  void niceReadsAsTheKernelsWeight(int nice, int weight) {
    // the kernel: round(table[nice] * 100 / 1024), clamped to 1..10000
    assertThat(CpuWeight.weightOf(CpuWeight.loadOfNice(nice))).isEqualTo(weight);
  }

  @ParameterizedTest
  @CsvSource({"100,0", "1,19", "10000,-20", "80,1", "125,-1", "50,3", "200,-3"})
  void weightReadsAsTheClosestNice(int weight, int nice) {
    assertThat(CpuWeight.niceOf(CpuWeight.loadOfWeight(weight))).isEqualTo(nice);
  }

  @RepeatedTest(50)
  void theNiceReadIsTheClosestTableEntry(RepetitionInfo info) {
    long seed = 0xC0FFEEL * info.getCurrentRepetition();
    Random r = new Random(seed);
    for (int i = 0; i < 200; i++) {
      int w = 1 + r.nextInt(10_000);
      long load = CpuWeight.loadOfWeight(w);
      int nice = CpuWeight.niceOf(load);
      long best = Math.abs(CpuWeight.loadOfNice(nice) - load);
      for (int n = -20; n <= 19; n++) {
        assertThat(Math.abs(CpuWeight.loadOfNice(n) - load))
            .as("seed %d weight %d: nice %d is not farther than %d", seed, w, n, nice)
            .isGreaterThanOrEqualTo(best);
      }
    }
  }

  @RepeatedTest(20)
  void weightOrderIsPreserved(RepetitionInfo info) {
    long seed = 77L * info.getCurrentRepetition();
    Random r = new Random(seed);
    for (int i = 0; i < 500; i++) {
      int a = 1 + r.nextInt(10_000);
      int b = 1 + r.nextInt(10_000);
      assertThat(Long.compare(CpuWeight.loadOfWeight(a), CpuWeight.loadOfWeight(b)))
          .as("seed %d", seed).isEqualTo(Integer.compare(a, b));
      assertThat(CpuWeight.niceOf(CpuWeight.loadOfWeight(Math.max(a, b))))
          .as("seed %d", seed).isLessThanOrEqualTo(CpuWeight.niceOf(CpuWeight.loadOfWeight(Math.min(a, b))));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "10001", "99999999999", "18446744073709551616"})
  void weightOutOfRangeIsErange(String text) {
    assertThatThrownBy(() -> CpuWeight.parseWeight(text))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ERANGE))
        .hasMessageContaining(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-21", "20", "100"})
  void niceOutOfRangeIsErange(String text) {
    assertThatThrownBy(() -> CpuWeight.parseNice(text))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ERANGE));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "1.5", "++5", "08", "100x", "max"})
  void garbageIsEinval(String text) {
    assertThatThrownBy(() -> CpuWeight.parseWeight(text))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    assertThatThrownBy(() -> CpuWeight.parseNice(text))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
  }

  @RepeatedTest(20)
  void virtualTimeScalingLosesNothing(RepetitionInfo info) {
    long seed = 31L * info.getCurrentRepetition();
    Random r = new Random(seed);
    long load = CpuWeight.loadOfWeight(1 + r.nextInt(10_000));
    TestCgroups cgroups = new TestCgroups();
    TestBinding<CpuState> gpu = cgroups.bind(new CpuController(), TestDevices.gpu0(new FakeClock(), "rcs0"));
    CgroupHandle cg = cgroups.mkdir(cgroups.root(), "g");
    gpu.state(cg).load = load;
    SchedEntity e = gpu.state(cg).entities[0];
    long total = 0;
    for (int i = 0; i < 1000; i++) {
      long n = r.nextInt(5_000_000);
      total += n;
      e.advance(n);
    }
    // the sum of exact scalings equals the scaling of the sum, floored
    long expected = Math.floorDiv(total * CpuWeight.NICE0_LOAD, load);
    assertThat(e.vruntime).as("seed %d load %d", seed, load).isEqualTo(expected);
  }
}
