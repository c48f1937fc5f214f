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
   * Parses {@code "$MAX $PERIOD"} or {@code "$MAX"}.
   *
   * @param current the value now, whose period a lone {@code $MAX} keeps
   * @throws CgroupException {@code EINVAL} for anything else, naming the value
   */
  public static Bandwidth parse(String text, Bandwidth current) {
    String[] parts = KernelText.fields(text);
    if (parts.length < 1 || parts.length > 2) {
      throw CgroupException.of(Errno.EINVAL, "invalid cpu.max '%s': expected '$MAX [$PERIOD]'", text);
    }
    long quota = parts[0].equals("max") ? UNLIMITED : Numbers.parseLong(parts[0], "cpu.max quota");
    long period = parts.length == 2 ? Numbers.parseLong(parts[1], "cpu.max period") : current.periodUsec;
    return new Bandwidth(quota, period);
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
