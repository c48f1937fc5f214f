package io.cgdev.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.BitSet;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Seeded property tests, one per value parser: input is ASCII where the kernel's is. A valid value
 * padded with the kernel's white space (including byte 0xA0) parses the same; the same value with a
 * digit replaced by a non-ASCII digit ({@code ٥}, {@code ５}, ...) or a separator replaced by a
 * non-ASCII space ({@code \u2003}, {@code \u3000}, ...) is {@code EINVAL}; hostile text only ever
 * fails with {@code EINVAL}/{@code ERANGE}, and what is accepted is ASCII or the kernel's white space once stripped. Every
 * failure names its seed (rerun with {@code -Dcgdev.seed=N}).
 */
class AsciiInputPropertyTest {
  private static final int ROUNDS = 2_000;
  /** Characters Java counts as digits or white space that the kernel does not. */
  private static final String FOREIGN_DIGITS = "\u0660\u0665\u06f5\u0966\u09eb\u0e55\u17e1\uff10\uff15\uff19\u1d7e";
  private static final String FOREIGN_SPACES = "\u2003\u3000\u1680\u2028\u2029\u205f\u0085\u001c\u001f\u2000\u200a\u180e\u202f";
  private static final String KERNEL_SPACES = " \t\n\u000b\f\r\u00a0";
  private static final String HOSTILE = "0123456789+-xXmaKMGkE ,=:\t\n\u0000\u00a0\u00ff" + FOREIGN_DIGITS + FOREIGN_SPACES;

  @RepeatedTest(3)
  void numbersParseLong() {
    check(r -> Long.toString(r.nextLong()), s -> Numbers.parseLong(s, "n"));
  }

  @RepeatedTest(3)
  void numbersParseInRange() {
    check(r -> Integer.toString(1 + r.nextInt(10_000)), s -> Numbers.parseInRange(s, 1, 10_000, "cpu.weight"));
  }

  @RepeatedTest(3)
  void numbersParseMaxOrCount() {
    check(r -> r.nextInt(5) == 0 ? "max" : Long.toString(r.nextLong() & Long.MAX_VALUE),
        s -> Numbers.parseMaxOrCount(s, "gem.max"));
  }

  @RepeatedTest(3)
  void numbersParseKernelInt() {
    // kstrtoint does not strip: only its own forms, no padding
    checkForeign(AsciiInputPropertyTest::kernelInt, s -> Numbers.parseKernelInt(s, "n"));
  }

  @RepeatedTest(3)
  void numbersParsePid() {
    check(r -> Integer.toString(r.nextInt(Integer.MAX_VALUE)), Numbers::parsePid);
  }

  @RepeatedTest(3)
  void byteSize() {
    check(r -> (r.nextLong() >>> (10 + r.nextInt(50))) + (r.nextBoolean() ? "" : String.valueOf("KMGTPEkmgtpe".charAt(r.nextInt(12)))),
        ByteSize::parse);
  }

  @RepeatedTest(3)
  void idList() {
    check(r -> {
      BitSet ids = new BitSet();
      int n = 1 + r.nextInt(6);
      for (int i = 0; i < n; i++) {
        int from = r.nextInt(200);
        ids.set(from, from + 1 + r.nextInt(4));
      }
      return IdList.format(ids);
    }, IdList::parse);
  }

  @RepeatedTest(3)
  void bandwidth() {
    check(r -> (r.nextBoolean() ? "max" : Long.toString(Bandwidth.MIN_QUOTA_USEC + r.nextInt(1_000_000))) + " "
        + (Bandwidth.MIN_PERIOD_USEC + r.nextInt(999_000)), s -> Bandwidth.parse(s, Bandwidth.DEFAULT));
  }

  /** Keys and values are the caller's to parse; the separators are the kernel's white space only. */
  @RepeatedTest(3)
  void keyedFlat() {
    checkSeparators(r -> "k" + r.nextInt(100) + " " + r.nextInt(1000) + "\nz" + r.nextInt(100) + " max", Keyed::parseFlat);
  }

  @RepeatedTest(3)
  void keyedNestedLine() {
    checkSeparators(r -> "lmem" + r.nextInt(4) + " min=" + r.nextInt(1000) + " max=max", Keyed::parseNestedLine);
  }

  /** Names are bytes, not numbers: any but '/', '\n' and NUL, so non-ASCII names stay valid. */
  @RepeatedTest(3)
  void cgroupPathNames() {
    long seed = Seeds.seed();
    Random r = Seeds.random(seed);
    for (int i = 0; i < ROUNDS; i++) {
      String name = hostile(r, 1 + r.nextInt(12));
      boolean valid = !name.equals(".") && !name.equals("..") && name.indexOf('\n') < 0 && name.indexOf('\0') < 0;
      try {
        CgroupPath p = CgroupPath.root().child(name);
        assertThat(valid).as("seed %d: '%s' accepted", seed, name).isTrue();
        assertThat(p.name()).isEqualTo(name);
      } catch (CgroupException e) {
        assertThat(valid).as("seed %d: '%s' refused: %s", seed, name, e).isFalse();
        assertThat(e.errno()).isEqualTo(Errno.EINVAL);
      }
    }
  }

  // ---------------------------------------------------------------- the properties

  /** All three properties, for a parser that strips the kernel's white space. */
  private static void check(Function<Random, String> valid, Function<String, Object> parser) {
    long seed = Seeds.seed();
    Random r = Seeds.random(seed);
    for (int i = 0; i < ROUNDS; i++) {
      String v = valid.apply(r);
      Object expected = parser.apply(v);
      String padded = kernelSpace(r) + v + kernelSpace(r);
      assertThat(parser.apply(padded)).as("seed %d: '%s'", seed, padded).isEqualTo(expected);
    }
    checkForeign(valid, parser, seed);
  }

  /**
   * For parsers of text whose fields are not numbers: padding keeps the result, a separator made a
   * non-kernel space is {@code EINVAL}, hostile text fails only with {@code EINVAL}.
   */
  private static void checkSeparators(Function<Random, String> valid, Function<String, Object> parser) {
    long seed = Seeds.seed();
    Random r = Seeds.random(seed);
    for (int i = 0; i < ROUNDS; i++) {
      String v = valid.apply(r);
      Object expected = parser.apply(v);
      String padded = kernelSpace(r) + v.replace(" ", " " + kernelSpace(r).replace("\n", "")) + kernelSpace(r);
      assertThat(parser.apply(padded)).as("seed %d: '%s'", seed, padded).isEqualTo(expected);
      int space = v.indexOf(' ');
      String foreign = v.substring(0, space) + FOREIGN_SPACES.charAt(r.nextInt(FOREIGN_SPACES.length())) + v.substring(space + 1);
      expectErrno(parser, foreign, seed, Errno.EINVAL);
      String garbage = hostile(r, r.nextInt(24));
      try {
        parser.apply(garbage);
      } catch (CgroupException e) {
        assertThat(e.errno()).as("seed %d: '%s'", seed, garbage).isEqualTo(Errno.EINVAL);
      }
    }
  }

  private static void checkForeign(Function<Random, String> valid, Function<String, Object> parser) {
    checkForeign(valid, parser, Seeds.seed());
  }

  private static void checkForeign(Function<Random, String> valid, Function<String, Object> parser, long seed) {
    Random r = Seeds.random(seed ^ 0x5eed);
    for (int i = 0; i < ROUNDS; i++) {
      String v = valid.apply(r);
      String foreign = foreign(r, v);
      if (foreign != null) {
        expectErrno(parser, foreign, seed, Errno.EINVAL);
      }
      String garbage = hostile(r, r.nextInt(24));
      try {
        parser.apply(garbage);
        String stripped = KernelText.strip(garbage);
        // inside a value the kernel's own white space (0xA0 included) may separate fields, as in
        // bitmap_parselist's region separator; any other non-ASCII character must have been refused
        assertThat(stripped.chars().allMatch(c -> c < 0x80 || KernelText.isSpace((char) c)))
            .as("seed %d: accepted non-ASCII '%s'", seed, garbage).isTrue();
      } catch (CgroupException e) {
        assertThat(e.errno()).as("seed %d: '%s'", seed, garbage).isIn(Errno.EINVAL, Errno.ERANGE);
      }
    }
  }

  private static void expectErrno(Function<String, Object> parser, String text, long seed, Errno errno) {
    try {
      Object v = parser.apply(text);
      fail("seed %d: '%s' was accepted as %s", seed, text, v);
    } catch (CgroupException e) {
      assertThat(e.errno()).as("seed %d: '%s'", seed, text).isEqualTo(errno);
    }
  }

  /** {@code v} with one ASCII digit made a non-ASCII one, or one space made a non-kernel space; null if it has neither. */
  private static String foreign(Random r, String v) {
    int start = r.nextInt(v.length());
    for (int k = 0; k < v.length(); k++) {
      int i = (start + k) % v.length();
      char c = v.charAt(i);
      if (KernelText.isDigit(c)) {
        return v.substring(0, i) + FOREIGN_DIGITS.charAt(r.nextInt(FOREIGN_DIGITS.length())) + v.substring(i + 1);
      }
      if (c == ' ') {
        return v.substring(0, i) + FOREIGN_SPACES.charAt(r.nextInt(FOREIGN_SPACES.length())) + v.substring(i + 1);
      }
    }
    return null;
  }

  private static String kernelSpace(Random r) {
    StringBuilder sb = new StringBuilder();
    for (int n = r.nextInt(4); n > 0; n--) {
      sb.append(KERNEL_SPACES.charAt(r.nextInt(KERNEL_SPACES.length())));
    }
    return sb.toString();
  }

  private static String hostile(Random r, int length) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(HOSTILE.charAt(r.nextInt(HOSTILE.length())));
    }
    return sb.toString();
  }

  /** An int in one of kstrtoint's forms: signed decimal, octal, hexadecimal. */
  private static String kernelInt(Random r) {
    int v = r.nextInt();
    String sign = v < 0 ? "-" : r.nextBoolean() ? "+" : "";
    long m = Math.abs((long) v);
    return sign + switch (r.nextInt(3)) {
      case 0 -> Long.toString(m);
      case 1 -> "0" + Long.toOctalString(m);
      default -> (r.nextBoolean() ? "0x" : "0X") + Long.toHexString(m);
    } + (r.nextBoolean() ? "\n" : "");
  }
}
