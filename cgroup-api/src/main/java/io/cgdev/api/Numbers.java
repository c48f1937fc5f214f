package io.cgdev.api;

/**
 * Plain integer values of interface files: bounded numbers (weights, nice values), {@code
 * max}-or-count values, and the kernel's own integer parser ({@code kstrtoint} with base 0), which
 * the core files ({@code cgroup.procs}, {@code cgroup.max.*}) use exactly.
 *
 * <p>Only ASCII digits are digits and only the kernel's white space ({@link KernelText}) is
 * stripped: {@code ٥٠٠} is not 500 but {@code EINVAL}, as it is to the kernel.
 */
@Stability(Stability.Status.STABLE)
public final class Numbers {
  private Numbers() {}

  /**
   * Parses an integer within {@code [min, max]}, as the kernel's {@code kstrtoll(buf, 0)} reads it
   * (an optional sign, {@code 0x} hexadecimal, a leading {@code 0} octal, else decimal).
   *
   * @param what what the number is, for the message, e.g. {@code cpu.weight}
   * @throws CgroupException {@code EINVAL} if not an integer, {@code ERANGE} if outside the bounds
   *     (also when too large for a long, as the kernel's {@code kstrtoll} says)
   */
  public static long parseInRange(String text, long min, long max, String what) {
    long v = parseSaturated(text, what);
    if (v < min || v > max) {
      throw CgroupException.of(Errno.ERANGE, "%s '%s' out of range %d..%d", what, KernelText.strip(text), min, max);
    }
    return v;
  }

  /**
   * Parses {@code max} (returned as {@code Long.MAX_VALUE}) or a non-negative integer ({@code
   * kstrtoll(buf, 0)} forms).
   *
   * @throws CgroupException {@code EINVAL} if neither, {@code ERANGE} if negative or too large for
   *     a long
   */
  public static long parseMaxOrCount(String text, String what) {
    String s = KernelText.strip(text);
    if (s.equals("max")) {
      return Long.MAX_VALUE;
    }
    long v = parseSaturated(text, what);
    if (v < 0) {
      throw CgroupException.of(Errno.ERANGE, "%s '%s' must not be negative", what, s);
    }
    if (v == Long.MAX_VALUE && !s.equals(Long.toString(Long.MAX_VALUE))) {
      throw CgroupException.of(Errno.ERANGE, "%s '%s' is too large", what, s);
    }
    return v;
  }

  /**
   * Parses {@code max} (returned as {@code Long.MAX_VALUE}) or a decimal integer within {@code [min,
   * max]}: the shape of a limit such as {@code pids.max} or the sample {@code gem.max} when the
   * number has bounds of its own.
   *
   * @param what what the number is, for the message, e.g. {@code gem.max}
   * @throws CgroupException {@code EINVAL} if neither {@code max} nor an integer, {@code ERANGE} if
   *     outside the bounds (also when too large for a long)
   * @throws IllegalArgumentException if {@code min > max}
   */
  @Stability(value = Stability.Status.STABLE, since = "0.2")
  public static long parseMaxOrInRange(String text, long min, long max, String what) {
    if (min > max) {
      throw new IllegalArgumentException("empty range " + min + ".." + max + " for " + what);
    }
    if (KernelText.strip(text).equals("max")) {
      return Long.MAX_VALUE;
    }
    return parseInRange(text, min, max, what);
  }

  /**
   * The kernel's {@code kstrtoll(text, 0)} on the stripped text, but an integer too large for a long
   * saturates to its bound (the caller's range check then says ERANGE, as the kernel's does).
   */
  private static long parseSaturated(String text, String what) {
    String s = KernelText.strip(text);
    try {
      return parseKernelS64(s, what);
    } catch (CgroupException e) {
      if (e.errno() == Errno.ERANGE) {
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
   * Parses a decimal integer: an optional {@code -} and ASCII digits, surrounded by optional kernel
   * white space.
   *
   * @throws CgroupException {@code EINVAL} if it is not one, or does not fit a long
   */
  public static long parseLong(String text, String what) {
    String s = KernelText.strip(text);
    boolean negative = s.startsWith("-");
    if (!KernelText.isDigits(negative ? s.substring(1) : s)) {
      throw notAnInteger(what, s);
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw notAnInteger(what, s);
    }
  }

  private static CgroupException notAnInteger(String what, String s) {
    return CgroupException.of(Errno.EINVAL, "invalid %s '%s': expected an integer", what, s);
  }

  /**
   * The kernel's {@code kstrtoint(text, 0, &v)}, exactly: an optional {@code +} or {@code -}, then
   * a number whose base its prefix gives ({@code 0x}/{@code 0X} hexadecimal, a leading {@code 0}
   * octal, else decimal), then at most one newline. Nothing is stripped ({@code strstrip} first if
   * the file does).
   *
   * @throws CgroupException {@code ERANGE} if the number does not fit an int, else {@code EINVAL}
   *     if the text is not such a number
   */
  public static int parseKernelInt(String text, String what) {
    long v = parseKernelS64(text, what);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw CgroupException.of(Errno.ERANGE, "%s '%s' does not fit an int", what, text);
    }
    return (int) v;
  }

  /**
   * The kernel's {@code kstrtoll(text, 0, &v)}, exactly (what {@code cftype.write_s64} files such as
   * {@code cpu.weight.nice} get, lib/kstrtox.c): one optional {@code -} (after which no {@code +}),
   * or one optional {@code +}; then a base-0 number; then at most one newline.
   *
   * @throws CgroupException {@code ERANGE} if the number does not fit a signed 64-bit value, else
   *     {@code EINVAL} if the text is not such a number
   */
  @Stability(value = Stability.Status.STABLE, since = "0.2")
  public static long parseKernelS64(String text, String what) {
    String s = text == null ? "" : text;
    if (s.startsWith("-")) {
      long magnitude = parseKernelUnsigned(s.substring(1), text, what);
      if (Long.compareUnsigned(magnitude, Long.MIN_VALUE) > 0) {
        throw CgroupException.of(Errno.ERANGE, "%s '%s' is too small", what, text);
      }
      return -magnitude;
    }
    long v = parseKernelU64(s, what);
    if (v < 0) {
      throw CgroupException.of(Errno.ERANGE, "%s '%s' is too large", what, text);
    }
    return v;
  }

  /**
   * The kernel's {@code kstrtoull(text, 0, &v)}, exactly (what {@code cftype.write_u64} files such as
   * {@code cpu.weight} get, lib/kstrtox.c): one optional {@code +}, then a base-0 number, then at
   * most one newline. The result is an unsigned 64-bit value in a long's bits: compare it with
   * {@link Long#compareUnsigned}.
   *
   * @throws CgroupException {@code ERANGE} if the number does not fit 64 bits, else {@code EINVAL}
   *     if the text is not such a number (a {@code -} among them)
   */
  @Stability(value = Stability.Status.STABLE, since = "0.2")
  public static long parseKernelU64(String text, String what) {
    String s = text == null ? "" : text;
    return parseKernelUnsigned(s.startsWith("+") ? s.substring(1) : s, text, what);
  }

  /** The kernel's {@code _kstrtoull} with base 0, on the text after any sign: unsigned 64 bits. */
  private static long parseKernelUnsigned(String s, String text, String what) {
    int base = 10;
    int i = 0;
    if (s.startsWith("0")) {
      if (s.length() > 2 && (s.charAt(1) | 0x20) == 'x' && hexDigit(s.charAt(2)) >= 0) {
        base = 16;
        i = 2;
      } else {
        base = 8;
      }
    }
    long value = 0;
    boolean overflow = false;
    int digits = 0;
    for (; i < s.length(); i++, digits++) {
      int d = hexDigit(s.charAt(i));
      if (d < 0 || d >= base) {
        break;
      }
      if (!overflow && Long.compareUnsigned(value, Long.divideUnsigned(-1L - d, base)) > 0) {
        overflow = true; // as the kernel, keep consuming digits: overflow wins over trailing text
      }
      value = value * base + d;
    }
    if (overflow) {
      throw CgroupException.of(Errno.ERANGE, "%s '%s' is too large", what, text);
    }
    if (digits == 0) {
      throw CgroupException.of(Errno.EINVAL, "invalid %s '%s': expected an integer", what, text);
    }
    if (i < s.length() && s.charAt(i) == '\n') {
      i++;
    }
    if (i != s.length()) {
      throw CgroupException.of(Errno.EINVAL, "invalid %s '%s': text after the number", what, text);
    }
    return value;
  }

  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    char lc = (char) (c | 0x20);
    return c < 0x80 && lc >= 'a' && lc <= 'f' ? lc - 'a' + 10 : -1;
  }

  /**
   * A pid written to {@code cgroup.procs}, as the kernel reads it: {@code kstrtoint(strstrip(text),
   * 0)}, and a negative pid is invalid. {@code 0} stands for the writer itself.
   *
   * @throws CgroupException {@code EINVAL} for anything but a non-negative int (also one too large)
   */
  public static int parsePid(String text) {
    try {
      int pid = parseKernelInt(KernelText.strip(text), "pid");
      if (pid >= 0) {
        return pid;
      }
    } catch (CgroupException e) {
      // the kernel answers EINVAL whatever kstrtoint said
    }
    throw CgroupException.of(Errno.EINVAL, "invalid pid '%s': expected a process id", text);
  }
}
