package io.cgdev.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
  @ValueSource(strings = {"", "abc", "1.0", "+-1", "1e3", "--1", "1-1", "-", "\u0665\u0660\u0660", "\uff15", "5\u2003", "\u30005"})
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

  /** kstrtoint(s, 0): what the kernel's own parser says for these, by lib/kstrtox.c. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "5|5", "+5|5", "-5|-5", "-0|0", "0|0", "010|8", "0x10|16", "0X1f|31", "0x7fffffff|2147483647", "2147483647|2147483647",
    "-2147483648|-2147483648", "017777777777|2147483647"})
  void kernelIntForms(String text, int expected) {
    assertThat(Numbers.parseKernelInt(text, "n")).isEqualTo(expected);
    assertThat(Numbers.parseKernelInt(text + "\n", "n")).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " 5", "5 ", "5\n\n", "08", "0x", "0xg", "+-5", "-+5", "--5", "++5", "5a", "x5", "0x 5", "\u0665", "\uff15", "5\u0000"})
  void kernelIntRefusesWithEinval(String text) {
    assertThatThrownBy(() -> Numbers.parseKernelInt(text, "n"))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
  }

  /** Overflow is ERANGE, and wins over trailing text (the kernel keeps consuming digits). */
  @ParameterizedTest
  @ValueSource(strings = {"2147483648", "-2147483649", "0x80000000", "99999999999999999999", "99999999999999999999x",
      "-99999999999999999999", "18446744073709551616", "0xffffffffffffffffff"})
  void kernelIntOverflowIsErange(String text) {
    assertThatThrownBy(() -> Numbers.parseKernelInt(text, "n"))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ERANGE));
  }

  /** parseKernelInt against a model of kstrtoint written with regular expressions and BigInteger. */
  @RepeatedTest(5)
  void kernelIntMatchesAModel() {
    long seed = Seeds.seed();
    Random r = Seeds.random(seed);
    String alphabet = "0123456789abcdefxX+-\n g";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int n = r.nextInt(r.nextBoolean() ? 6 : 24); n > 0; n--) {
        sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String text = sb.toString();
      String expected = KstrtointModel.parse(text);
      String actual;
      try {
        actual = Integer.toString(Numbers.parseKernelInt(text, "n"));
      } catch (CgroupException e) {
        actual = e.errno().name();
      }
      assertThat(actual).as("seed %d: '%s'", seed, text).isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"0|0", "' 42 '|42", "+7|7", "0x10|16", "010|8", "-0|0"})
  void pidsAsTheKernelReadsThem(String text, int pid) {
    assertThat(Numbers.parsePid(text)).isEqualTo(pid);
    assertThat(Numbers.parsePid(text + "\n")).isEqualTo(pid);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "-1", "-0x1", "2147483648", "99999999999999999999", "1 2", "1\n2", "abc", "\u17e1", "\u0665"})
  void badPidsAreEinval(String text) {
    assertThatThrownBy(() -> Numbers.parsePid(text))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
  }
}
