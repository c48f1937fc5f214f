package io.cgdev.api;

/**
 * The byte-size format of memory files: a decimal number with an optional binary suffix {@code K M G
 * T P E} (either case; 1K = 1024), or {@code max}. {@link #MAX} ({@code Long.MAX_VALUE}) stands for
 * {@code max}; a number too large for a long is clamped to it, as the kernel's page-counter parser
 * does. Digits, suffixes and the surrounding white space are ASCII (and the kernel's white space,
 * {@link KernelText}) only.
 */
@Stability(Stability.Status.STABLE)
public final class ByteSize {
  /** The value of {@code max}: no limit. */
  public static final long MAX = Long.MAX_VALUE;

  private static final String SUFFIXES = "KMGTPE";

  private ByteSize() {}

  /**
   * Parses a size.
   *
   * @throws CgroupException {@code EINVAL} for an empty value, a sign, a fraction, an unknown suffix
   *     or trailing text, naming the value
   */
  public static long parse(String text) {
    String s = KernelText.strip(text);
    if (s.equals("max")) {
      return MAX;
    }
    int i = 0;
    int n = s.length();
    while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    if (i == 0) {
      throw invalid(text, "expected a number of bytes or 'max'");
    }
    int shift = 0;
    if (i < n) {
      char c = s.charAt(i);
      int k = SUFFIXES.indexOf(c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c);
      if (k < 0 || i + 1 != n) {
        throw invalid(text, "expected an optional suffix K, M, G, T, P or E after the number");
      }
      shift = 10 * (k + 1);
    }
    long value = 0;
    for (int j = 0; j < i; j++) {
      int digit = s.charAt(j) - '0';
      if (value > (MAX - digit) / 10) {
        return MAX;
      }
      value = value * 10 + digit;
    }
    if (shift > 0 && value > (MAX >> shift)) {
      return MAX;
    }
    return value << shift;
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
