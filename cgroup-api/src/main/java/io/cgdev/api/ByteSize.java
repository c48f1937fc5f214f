package io.cgdev.api;

/**
 * The byte-size format of memory files: the kernel's {@code memparse} (a number in C's bases with an
 * optional binary suffix {@code K M G T P E}, either case; 1K = 1024), or {@code max}. {@link #MAX}
 * ({@code Long.MAX_VALUE}) stands for {@code max}; a size of 2^63 bytes or more is clamped to it, as
 * the kernel's page-counter parser does. Digits, suffixes and the surrounding white space are ASCII (and the kernel's white space,
 * {@link KernelText}) only.
 */
@Stability(Stability.Status.STABLE)
public final class ByteSize {
  /** The value of {@code max}: no limit. */
  public static final long MAX = Long.MAX_VALUE;

  private static final String SUFFIXES = "KMGTPE";

  private ByteSize() {}

  /**
   * Parses a size as memcg's limits and dmem's do ({@code page_counter_memparse} and {@code
   * dmemcg_parse_limit}): {@code max}, or the kernel's {@code memparse} (lib/cmdline.c) of the whole
   * text — {@code simple_strtoull(text, 0)} (no sign; {@code 0x} hexadecimal, a leading {@code 0}
   * octal, else decimal; digits past 64 bits wrap around, as the kernel's do), then one optional
   * suffix {@code K M G T P E} in either case, each shifting left by 10 bits more (also wrapping),
   * then nothing. Empty text is 0, as {@code memparse("")} is. A result of 2^63 bytes or more is
   * {@link #MAX}: the page counter caps it at {@code PAGE_COUNTER_MAX}, which reads as {@code max}.
   *
   * @throws CgroupException {@code EINVAL} for a sign, a fraction, an unknown suffix or trailing
   *     text, naming the value
   */
  public static long parse(String text) {
    String s = KernelText.strip(text);
    if (s.equals("max")) {
      return MAX;
    }
    int n = s.length();
    int i = 0;
    int base = 10;
    if (n > 0 && s.charAt(0) == '0') {
      // _parse_integer_fixup_radix: "0x" needs a hex digit after it, else the 0 starts an octal number
      if (n > 2 && (s.charAt(1) | 0x20) == 'x' && digit(s.charAt(2)) >= 0) {
        base = 16;
        i = 2;
      } else {
        base = 8;
      }
    }
    long value = 0;
    for (; i < n; i++) {
      int d = digit(s.charAt(i));
      if (d < 0 || d >= base) {
        break;
      }
      value = value * base + d; // wraps modulo 2^64, as simple_strtoull does
    }
    if (i < n) {
      char c = s.charAt(i);
      int k = SUFFIXES.indexOf(c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c);
      if (k < 0 || i + 1 != n) {
        throw invalid(text, "expected a number of bytes with an optional suffix K, M, G, T, P or E, or 'max'");
      }
      int shift = 10 * (k + 1);
      value = shift >= Long.SIZE ? 0 : value << shift;
    }
    return value < 0 ? MAX : value;
  }

  /** An ASCII digit of base up to 16, or -1. */
  private static int digit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    char lc = (char) (c | 0x20);
    return lc >= 'a' && lc <= 'f' ? lc - 'a' + 10 : -1;
  }

  /** Formats bytes as a file shows them: {@code max} or the plain number. */
  public static String format(long bytes) {
    return bytes == MAX ? "max" : Long.toString(bytes);
  }

  /** A short human form for reports, e.g. {@code 256M} or {@code 1.5G}; {@code max} for MAX. */
  public static String human(long bytes) {
    if (bytes == MAX) {
      return "max";
    }
    if (bytes < 1024) {
      return bytes + "B";
    }
    int unit = -1;
    double v = bytes;
    while (v >= 1024 && unit < SUFFIXES.length() - 1) {
      v /= 1024;
      unit++;
    }
    String number = v == Math.rint(v) ? Long.toString((long) v) : String.format("%.1f", v);
    return number + SUFFIXES.charAt(unit);
  }

  private static CgroupException invalid(String text, String why) {
    return CgroupException.of(Errno.EINVAL, "invalid size '%s': %s", text, why);
  }
}
