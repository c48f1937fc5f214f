package io.cgdev.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {
  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "4096, 4096",
    "1k, 1024",
    "1K, 1024",
    "256M, 268435456",
    "4G, 4294967296",
    "2t, 2199023255552",
    "1P, 1125899906842624",
    "1E, 1152921504606846976",
    "' 42 ', 42",
  })
  void parsesNumbersAndSuffixes(String text, long expected) {
    assertThat(ByteSize.parse(text)).isEqualTo(expected);
  }

  @Test
  void maxIsTheKeyword() {
    assertThat(ByteSize.parse("max")).isEqualTo(ByteSize.MAX);
    assertThat(ByteSize.format(ByteSize.MAX)).isEqualTo("max");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "1.5G", "12X", "1MB", "+5", "max1", "1 M", "∞", "0x", "08", "0xg"})
  void rejectsGarbageWithEinvalNamingTheValue(String text) {
    assertThatThrownBy(() -> ByteSize.parse(text))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void clampsOverflowToMaxLikeThePageCounterParser() {
    assertThat(ByteSize.parse("9223372036854775808")).isEqualTo(ByteSize.MAX);
    assertThat(ByteSize.parse("18446744073709551615")).isEqualTo(ByteSize.MAX);
    assertThat(ByteSize.parse("8E")).isEqualTo(ByteSize.MAX);
    assertThat(ByteSize.parse("15E")).isEqualTo(ByteSize.MAX);
  }

  /** memparse's simple_strtoull and shifts wrap past 64 bits (observed on the host: hugetlb.2MB.max). */
  @Test
  void wrapsPast64BitsAsMemparseDoes() {
    assertThat(ByteSize.parse("16E")).isZero();
    assertThat(ByteSize.parse("16777216T")).isZero();
    assertThat(ByteSize.parse("18446744073709551616")).isZero();
    assertThat(ByteSize.parse("18446744073709551617")).isEqualTo(1);
  }

  /** memparse takes C's bases and an empty number (observed on the host: hugetlb.2MB.max). */
  @Test
  void takesTheKernelsBasesAndEmptyNumbers() {
    assertThat(ByteSize.parse("0x10")).isEqualTo(16);
    assertThat(ByteSize.parse("0X400000")).isEqualTo(4 << 20);
    assertThat(ByteSize.parse("010")).isEqualTo(8);
    assertThat(ByteSize.parse("0x1e")).as("e is a hex digit, not exa").isEqualTo(30);
    assertThat(ByteSize.parse("0x400000M")).isEqualTo(4L << 40);
    assertThat(ByteSize.parse("")).isZero();
    assertThat(ByteSize.parse(" ")).isZero();
    assertThat(ByteSize.parse("M")).isZero();
  }

  @RepeatedTest(20)
  void formatThenParseIsIdentity() {
    long seed = Seeds.seed();
    Random r = Seeds.random(seed);
    for (int i = 0; i < 10_000; i++) {
      long v = r.nextInt(4) == 0 ? r.nextLong(1 << 20) : r.nextLong(Long.MAX_VALUE);
      assertThat(ByteSize.parse(ByteSize.format(v))).as("seed %d value %d", seed, v).isEqualTo(v);
    }
  }

  @RepeatedTest(10)
  void suffixedValuesEqualTheirShift() {
    long seed = Seeds.seed();
    Random r = Seeds.random(seed);
    String suffixes = "KMGTPE";
    for (int i = 0; i < 5_000; i++) {
      int k = r.nextInt(suffixes.length());
      int shift = 10 * (k + 1);
      long n = r.nextLong(1L << Math.max(1, 62 - shift));
      char s = r.nextBoolean() ? suffixes.charAt(k) : Character.toLowerCase(suffixes.charAt(k));
      assertThat(ByteSize.parse(n + "" + s)).as("seed %d: %d%c", seed, n, s).isEqualTo(n << shift);
    }
  }

  @Test
  void humanFormIsShort() {
    assertThat(ByteSize.human(512)).isEqualTo("512B");
    assertThat(ByteSize.human(256L << 20)).isEqualTo("256M");
    assertThat(ByteSize.human(3L << 29)).isEqualTo("1.5G");
    assertThat(ByteSize.human(ByteSize.MAX)).isEqualTo("max");
  }
}
