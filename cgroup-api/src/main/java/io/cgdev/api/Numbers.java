package io.cgdev.api;

/**
 * Plain integer values of interface files: bounded numbers (weights, nice values) and {@code
 * max}-or-count values ({@code cgroup.max.depth}).
 */
@Stability(Stability.Status.STABLE)
public final class Numbers {
  private Numbers() {}

  /**
   * Parses a decimal integer within {@code [min, max]}.
   *
   * @param what what the number is, for the message, e.g. {@code cpu.weight}
   * @throws CgroupException {@code EINVAL} if not an integer, {@code ERANGE} if outside the bounds
   *     (also when too large for a long, as the kernel's {@code kstrtoll} says)
   */
  public static long parseInRange(String text, long min, long max, String what) {
    long v = parseSaturated(text, what);
    if (v < min || v > max) {
      throw CgroupException.of(Errno.ERANGE, "%s '%s' out of range %d..%d", what, text.strip(), min, max);
    }
    return v;
  }

  /**
   * Parses {@code max} (returned as {@code Long.MAX_VALUE}) or a non-negative integer.
   *
   * @throws CgroupException {@code EINVAL} if neither, {@code ERANGE} if negative or too large for
   *     a long
   */
  public static long parseMaxOrCount(String text, String what) {
    if (text != null && text.strip().equals("max")) {
      return Long.MAX_VALUE;
    }
    long v = parseSaturated(text, what);
    if (v < 0) {
      throw CgroupException.of(Errno.ERANGE, "%s '%s' must not be negative", what, text.strip());
    }
    if (v == Long.MAX_VALUE && !text.strip().equals(Long.toString(Long.MAX_VALUE))) {
      throw CgroupException.of(Errno.ERANGE, "%s '%s' is too large", what, text.strip());
    }
    return v;
  }

  /** As {@link #parseLong}, but an integer too large for a long saturates to its bound (the caller's range check says ERANGE). */
  private static long parseSaturated(String text, String what) {
    try {
      return parseLong(text, what);
    } catch (CgroupException e) {
      String s = text == null ? "" : text.strip();
      if (s.matches("-?[0-9]+")) { // well formed, so it did not fit
        return s.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
      }
      throw e;
    }
  }

  /** Formats {@code Long.MAX_VALUE} as {@code max}, else the number. */
  public static String formatMaxOrCount(long value) {
    return value == Long.MAX_VALUE ? "max" : Long.toString(value);
  }

  /**
   * Parses a decimal integer with an optional sign.
   *
   * @throws CgroupException {@code EINVAL} if it is not one, or does not fit a long
   */
  public static long parseLong(String text, String what) {
    String s = text == null ? "" : text.strip();
    try {
      if (s.isEmpty() || s.charAt(0) == '+' || !s.chars().skip(s.charAt(0) == '-' ? 1 : 0).allMatch(Character::isDigit)) {
        throw new NumberFormatException();
      }
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw CgroupException.of(Errno.EINVAL, "invalid %s '%s': expected an integer", what, s);
    }
  }
}
