package io.cgdev.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NumbersTest {
  @Test
  void weightsInRange() {
    assertThat(Numbers.parseInRange("1", 1, 10000, "cpu.weight")).isEqualTo(1);
    assertThat(Numbers.parseInRange(" 10000\n", 1, 10000, "cpu.weight")).isEqualTo(10000);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "10001", "-5", "99999999999", "99999999999999999999", "-99999999999999999999"})
  void outOfRangeIsErange(String text) {
    assertThatThrownBy(() -> Numbers.parseInRange(text, 1, 10000, "cpu.weight"))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ERANGE))
        .hasMessageContaining("cpu.weight");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "1.0", "+1", "1e3", "--1", "1-1", "-"})
  void notANumberIsEinval(String text) {
    assertThatThrownBy(() -> Numbers.parseInRange(text, 1, 10000, "cpu.weight"))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
  }

  @Test
  void maxOrCount() {
    assertThat(Numbers.parseMaxOrCount("max", "cgroup.max.depth")).isEqualTo(Long.MAX_VALUE);
    assertThat(Numbers.parseMaxOrCount("3", "cgroup.max.depth")).isEqualTo(3);
    assertThat(Numbers.formatMaxOrCount(Long.MAX_VALUE)).isEqualTo("max");
    assertThatThrownBy(() -> Numbers.parseMaxOrCount("-1", "cgroup.max.depth"))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ERANGE));
    assertThatThrownBy(() -> Numbers.parseMaxOrCount("99999999999999999999", "cgroup.max.depth"))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ERANGE));
    assertThatThrownBy(() -> Numbers.parseMaxOrCount("maxi", "cgroup.max.depth"))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
  }

  @RepeatedTest(10)
  void roundTripsAnyLong() {
    long seed = Seeds.seed();
    Random r = Seeds.random(seed);
    for (int i = 0; i < 10_000; i++) {
      long v = r.nextLong();
      assertThat(Numbers.parseLong(Long.toString(v), "n")).as("seed %d", seed).isEqualTo(v);
    }
  }
}
