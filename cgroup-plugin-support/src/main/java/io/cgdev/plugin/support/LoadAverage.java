package io.cgdev.plugin.support;

/**
 * The kernel's fixed-point exponential averages (include/linux/sched/loadavg.h and
 * kernel/sched/loadavg.c), which {@link PressureGroup} uses for {@code avg10}, {@code avg60} and
 * {@code avg300} exactly as kernel/sched/psi.c does: 11 fraction bits, the decay factors of a 2 s
 * period over 10, 60 and 300 s, rounding up while an average rises, and {@code fixed_power_int} for
 * several missed periods at once. Unsigned 64-bit arithmetic as on a 64-bit kernel; every value
 * here stays far below 2^63.
 */
final class LoadAverage {
  /** Fraction bits ({@code FSHIFT}). */
  static final int FSHIFT = 11;

  /** 1.0 in fixed point ({@code FIXED_1}). */
  static final long FIXED_1 = 1L << FSHIFT;

  /** 1/exp(2 s / 10 s) in fixed point ({@code EXP_10s}). */
  static final long EXP_10S = 1677;

  /** 1/exp(2 s / 60 s) ({@code EXP_60s}). */
  static final long EXP_60S = 1981;

  /** 1/exp(2 s / 300 s) ({@code EXP_300s}). */
  static final long EXP_300S = 2034;

  /** The decay factors of the three averages, in the order they are printed. */
  static final long[] EXP = {EXP_10S, EXP_60S, EXP_300S};

  private LoadAverage() {}

  /** One period's step ({@code calc_load}): {@code load * exp + active * (1 - exp)}, rounded up while rising. */
  static long calcLoad(long load, long exp, long active) {
    long newload = load * exp + active * (FIXED_1 - exp);
    if (active >= load) {
      newload += FIXED_1 - 1;
    }
    return newload / FIXED_1;
  }

  /** {@code n} periods at once ({@code calc_load_n}): {@link #calcLoad} with {@code exp^n}. */
  static long calcLoadN(long load, long exp, long active, long n) {
    return calcLoad(load, fixedPowerInt(exp, FSHIFT, n), active);
  }

  /** {@code x^n} in fixed point with {@code fracBits} fraction bits, rounding each product ({@code fixed_power_int}). */
  static long fixedPowerInt(long x, int fracBits, long n) {
    long result = 1L << fracBits;
    if (n != 0) {
      for (; ; ) {
        if ((n & 1) != 0) {
          result *= x;
          result += 1L << (fracBits - 1);
          result >>>= fracBits;
        }
        n >>>= 1;
        if (n == 0) {
          break;
        }
        x *= x;
        x += 1L << (fracBits - 1);
        x >>>= fracBits;
      }
    }
    return result;
  }

  /** The integer part ({@code LOAD_INT}). */
  static long loadInt(long x) {
    return x >>> FSHIFT;
  }

  /** Two decimal places of the fraction ({@code LOAD_FRAC}): truncated, not rounded. */
  static long loadFrac(long x) {
    return loadInt((x & (FIXED_1 - 1)) * 100);
  }

  /** {@code %lu.%02lu} of a fixed-point average, as psi_show prints it. */
  static String format(long x) {
    return append(new StringBuilder(8), x).toString();
  }

  /** Appends {@link #format}'s text of {@code x} to {@code b}, without a string of its own; returns {@code b}. */
  static StringBuilder append(StringBuilder b, long x) {
    long frac = loadFrac(x);
    b.append(loadInt(x)).append('.');
    if (frac < 10) {
      b.append('0');
    }
    return b.append(frac);
  }
}
