package io.cgdev.metrics.internal;

/**
 * Reads the value shapes of cgroup files, without regular expressions or intermediate lists (a scrape
 * reads hundreds of thousands of them):
 *
 * <ul>
 *   <li>a single value, {@code 536870912} or {@code max}, as memcg's {@code memory.max}; or one
 *       {@code <region> <value>} line per region, as dmem's files and a several-region registration;
 *   <li>flat keyed lines, {@code key value}, as {@code memory.events} and {@code cpu.stat}; or nested
 *       keyed lines, {@code <group> key=value key=value}, as a several-region {@code memory.events}
 *       and the kernel's pressure files ({@code some avg10=0.00 ... total=0}).
 * </ul>
 *
 * Lines or values that fit no shape are skipped: a scrape reports what it can read.
 */
public final class FileValues {
  private FileValues() {}

  /** Receives the values of a single-value file. */
  @FunctionalInterface
  public interface ValueSink {
    /**
     * One value.
     *
     * @param region the line's region, or null for a bare value
     * @param value the number; {@code max} is {@link Double#POSITIVE_INFINITY}
     */
    void value(String region, double value);
  }

  /** Receives the entries of a keyed file. */
  @FunctionalInterface
  public interface KeyedSink {
    /**
     * One entry.
     *
     * @param group the nested line's first word (a region, {@code some}/{@code full}), or null for a
     *     flat keyed line
     */
    void entry(String group, String key, double value);
  }

  /** Reads a single-value file: a bare value, or {@code <region> <value>} lines. */
  public static void single(String text, ValueSink sink) {
    int n = text.length();
    int line = 0;
    while (line < n) {
      int end = lineEnd(text, line);
      int a = skipBlanks(text, line, end);
      int aEnd = wordEnd(text, a, end);
      if (a < aEnd) {
        int b = skipBlanks(text, aEnd, end);
        int bEnd = wordEnd(text, b, end);
        if (b == bEnd) {
          emit(sink, null, number(text, a, aEnd));
        } else if (skipBlanks(text, bEnd, end) == end) {
          emit(sink, text.substring(a, aEnd), number(text, b, bEnd));
        }
      }
      line = end + 1;
    }
  }

  private static void emit(ValueSink sink, String region, double value) {
    if (!Double.isNaN(value)) {
      sink.value(region, value);
    }
  }

  /** Reads a keyed file: flat {@code key value} lines or nested {@code group key=value ...} lines. */
  public static void keyed(String text, KeyedSink sink) {
    int n = text.length();
    int line = 0;
    while (line < n) {
      int end = lineEnd(text, line);
      int a = skipBlanks(text, line, end);
      int aEnd = wordEnd(text, a, end);
      if (a < aEnd) {
        if (text.indexOf('=', aEnd) >= 0 && text.indexOf('=', aEnd) < end) {
          nested(text, text.substring(a, aEnd), aEnd, end, sink);
        } else {
          int b = skipBlanks(text, aEnd, end);
          int bEnd = wordEnd(text, b, end);
          double v = number(text, b, bEnd);
          if (b < bEnd && !Double.isNaN(v) && skipBlanks(text, bEnd, end) == end) {
            sink.entry(null, text.substring(a, aEnd), v);
          }
        }
      }
      line = end + 1;
    }
  }

  private static void nested(String text, String group, int from, int end, KeyedSink sink) {
    int w = skipBlanks(text, from, end);
    while (w < end) {
      int wEnd = wordEnd(text, w, end);
      int eq = text.indexOf('=', w);
      if (eq > w && eq < wEnd) {
        double v = number(text, eq + 1, wEnd);
        if (!Double.isNaN(v)) {
          sink.entry(group, text.substring(w, eq), v);
        }
      }
      w = skipBlanks(text, wEnd, end);
    }
  }

  /**
   * A number: decimal digits (an integer, or with a fraction as the pressure files' averages), or
   * {@code max}; anything else is NaN.
   */
  static double number(String text, int from, int to) {
    if (from >= to) {
      return Double.NaN;
    }
    if (to - from == 3 && text.startsWith("max", from)) {
      return Double.POSITIVE_INFINITY;
    }
    long whole = 0;
    int i = from;
    boolean negative = text.charAt(i) == '-';
    if (negative) {
      i++;
    }
    int digits = 0;
    for (; i < to && text.charAt(i) != '.'; i++, digits++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9' || digits >= 18) {
        return slow(text, from, to);
      }
      whole = whole * 10 + (c - '0');
    }
    if (digits == 0) {
      return Double.NaN;
    }
    if (i < to) {
      return slow(text, from, to);
    }
    return negative ? -whole : whole;
  }

  /** Numbers with a fraction or of more than 18 digits. */
  private static double slow(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (!(c >= '0' && c <= '9') && c != '.' && !(c == '-' && i == from)) {
        return Double.NaN;
      }
    }
    try {
      return Double.parseDouble(text.substring(from, to));
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static int lineEnd(String text, int from) {
    int nl = text.indexOf('\n', from);
    return nl < 0 ? text.length() : nl;
  }

  private static int skipBlanks(String text, int from, int end) {
    int i = from;
    while (i < end && isBlank(text.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int wordEnd(String text, int from, int end) {
    int i = from;
    while (i < end && !isBlank(text.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r';
  }
}
