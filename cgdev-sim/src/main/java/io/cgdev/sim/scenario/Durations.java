package io.cgdev.sim.scenario;

import io.cgdev.api.KernelText;
import java.math.BigDecimal;

/** Durations in scenario files: a number and a unit, {@code ns us ms s m}, e.g. {@code 2.5ms}. */
public final class Durations {
  private Durations() {}

  /**
   * Parses a duration into nanoseconds.
   *
   * @throws IllegalArgumentException naming the value, for a missing or unknown unit, a negative
   *     or zero value, or one longer than a day
   */
  public static long parse(String text) {
    String t = text.strip();
    int i = 0;
    while (i < t.length() && (KernelText.isDigit(t.charAt(i)) || t.charAt(i) == '.')) { // ASCII digits only
      i++;
    }
    String unit = t.substring(i).strip();
    long scale = switch (unit) {
      case "ns" -> 1L;
      case "us", "µs" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      default -> throw new IllegalArgumentException(
          "invalid duration '" + text + "': expected a number and a unit (ns, us, ms, s, m), e.g. 10s");
    };
    BigDecimal nanos;
    try {
      nanos = new BigDecimal(t.substring(0, i)).multiply(BigDecimal.valueOf(scale));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid duration '" + text + "': expected a number before the unit");
    }
    if (nanos.signum() <= 0 || nanos.compareTo(BigDecimal.valueOf(86_400_000_000_000L)) > 0) {
      throw new IllegalArgumentException("duration '" + text + "' out of range: more than 0, at most a day");
    }
    return nanos.longValue();
  }

  /** A short human form: {@code 1.5s}, {@code 250ms}, {@code 40us}. */
  public static String format(long nanos) {
    if (nanos >= 1_000_000_000L) {
      return trim(nanos / 1e9) + "s";
    }
    if (nanos >= 1_000_000L) {
      return trim(nanos / 1e6) + "ms";
    }
    if (nanos >= 1_000L) {
      return trim(nanos / 1e3) + "us";
    }
    return nanos + "ns";
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format("%.2f", v).replaceAll("0+$", "");
  }
}
