package io.cgdev.api;

/**
 * The {@code cpu.max} value {@code $MAX $PERIOD}: a quota in microseconds per period, or {@code max}
 * for no cap. The period lies in 1000..1000000 µs and the quota in 1000..(2^44 - 1) µs like the
 * kernel's limits; writing only {@code $MAX} keeps the current period. Out-of-range values are {@code
 * EINVAL} (the kernel validates {@code cpu.max} as a whole).
 *
 * @param quotaUsec the quota, or {@link #UNLIMITED}
 * @param periodUsec the period
 */
@Stability(Stability.Status.STABLE)
public record Bandwidth(long quotaUsec, long periodUsec) {
  public static final long UNLIMITED = Long.MAX_VALUE;
  public static final long MIN_PERIOD_USEC = 1_000;
  public static final long MAX_PERIOD_USEC = 1_000_000;
  public static final long DEFAULT_PERIOD_USEC = 100_000;
  public static final long MIN_QUOTA_USEC = 1_000;
  public static final long MAX_QUOTA_USEC = (1L << 44) - 1;

  /** The default: {@code max 100000}. */
  public static final Bandwidth DEFAULT = new Bandwidth(UNLIMITED, DEFAULT_PERIOD_USEC);

  public Bandwidth {
    if (periodUsec < MIN_PERIOD_USEC || periodUsec > MAX_PERIOD_USEC) {
      throw CgroupException.of(Errno.EINVAL, "cpu.max period %d out of range %d..%d", periodUsec, MIN_PERIOD_USEC, MAX_PERIOD_USEC);
    }
    if (quotaUsec != UNLIMITED && (quotaUsec < MIN_QUOTA_USEC || quotaUsec > MAX_QUOTA_USEC)) {
      throw CgroupException.of(Errno.EINVAL, "cpu.max quota %d out of range %d..%d", quotaUsec, MIN_QUOTA_USEC, MAX_QUOTA_USEC);
    }
  }

  public boolean unlimited() {
    return quotaUsec == UNLIMITED;
  }

  /**
   * Parses {@code "$MAX $PERIOD"} or {@code "$MAX"} as the kernel's {@code cpu_max_write} does
   * (kernel/sched/core.c {@code cpu_period_quota_parse}): {@code sscanf(buf, "%20s %llu", tok,
   * &period)} — the first field (at most 20 characters) and, if decimal digits follow after white
   * space, the period, else the current one; then {@code sscanf(tok, "%llu")} for the quota, or
   * {@code tok} must be exactly {@code max}. {@code %llu} is decimal: no sign, no {@code 0x} (which
   * reads as 0), and it stops at the first non-digit, ignoring what follows ({@code 50000abc} is
   * 50000; a third field is ignored). Both values are multiplied to nanoseconds in 64 bits (wrapping
   * as the kernel's do) and then checked as {@code tg_set_cfs_bandwidth} does: period 1 ms..1 s,
   * quota 1 ms..(2^44 - 1) µs. One deliberate difference: a control character or a character
   * outside ASCII (other than the kernel's white space) anywhere in the value is {@code EINVAL},
   * where {@code sscanf} would stop there and ignore the rest — the project's ASCII rule ({@link
   * KernelText}): a value that looks like two numbers to a reader is never taken as one.
   *
   * @param current the value now, whose period a lone {@code $MAX} keeps
   * @throws CgroupException {@code EINVAL} for anything else, naming the value
   */
  public static Bandwidth parse(String text, Bandwidth current) {
    String s = text == null ? "" : text;
    int n = s.length();
    for (int k = 0; k < n; k++) {
      char c = s.charAt(k);
      if ((c >= 0x7f || c < 0x20) && !KernelText.isSpace(c)) {
        throw CgroupException.of(Errno.EINVAL, "invalid cpu.max '%s': a control character or one outside ASCII", text);
      }
    }
    int i = 0;
    while (i < n && KernelText.isSpace(s.charAt(i))) {
      i++;
    }
    int start = i;
    while (i < n && !KernelText.isSpace(s.charAt(i)) && i - start < 20) {
      i++;
    }
    if (i == start) {
      throw CgroupException.of(Errno.EINVAL, "invalid cpu.max '%s': expected '$MAX [$PERIOD]'", text);
    }
    String tok = s.substring(start, i);
    while (i < n && KernelText.isSpace(s.charAt(i))) {
      i++;
    }
    long periodUsec = i < n && KernelText.isDigit(s.charAt(i)) ? decimalPrefix(s, i) : current.periodUsec;
    long quotaUsec;
    if (KernelText.isDigit(tok.charAt(0))) {
      quotaUsec = decimalPrefix(tok, 0);
    } else if (tok.equals("max")) {
      quotaUsec = UNLIMITED;
    } else {
      throw CgroupException.of(Errno.EINVAL, "invalid cpu.max '%s': $MAX must be a number of microseconds or 'max'", text);
    }
    long periodNs = periodUsec * 1000; // u64 arithmetic, wrapping as the kernel's
    if (Long.compareUnsigned(periodNs, MIN_PERIOD_USEC * 1000) < 0 || Long.compareUnsigned(periodNs, MAX_PERIOD_USEC * 1000) > 0) {
      throw CgroupException.of(Errno.EINVAL, "cpu.max period in '%s' out of range %d..%d", text, MIN_PERIOD_USEC, MAX_PERIOD_USEC);
    }
    if (quotaUsec == UNLIMITED) {
      return new Bandwidth(UNLIMITED, periodNs / 1000);
    }
    long quotaNs = quotaUsec * 1000;
    if (Long.compareUnsigned(quotaNs, MIN_QUOTA_USEC * 1000) < 0 || Long.compareUnsigned(quotaNs, MAX_QUOTA_USEC * 1000) > 0) {
      throw CgroupException.of(Errno.EINVAL, "cpu.max quota in '%s' out of range %d..%d", text, MIN_QUOTA_USEC, MAX_QUOTA_USEC);
    }
    return new Bandwidth(quotaNs / 1000, periodNs / 1000);
  }

  /** {@code simple_strtoull(s + from, 10)}: the decimal digits there, wrapping past 64 bits. */
  private static long decimalPrefix(String s, int from) {
    long v = 0;
    for (int i = from; i < s.length() && KernelText.isDigit(s.charAt(i)); i++) {
      v = v * 10 + (s.charAt(i) - '0');
    }
    return v;
  }

  /** {@code "max 100000"} or {@code "50000 100000"}. */
  public String format() {
    return (unlimited() ? "max" : Long.toString(quotaUsec)) + " " + periodUsec;
  }

  @Override
  public String toString() {
    return format();
  }
}
