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

  /** The non-blank lines of a file: the first word is {@code [first, firstEnd)}, the line ends at {@code end}. */
  @FunctionalInterface
  private interface Line {
    void words(String text, int first, int firstEnd, int end);
  }

  /** Calls {@code line} for every line of {@code text} that has a word. */
  private static void lines(String text, Line line) {
    int n = text.length();
    int from = 0;
    while (from < n) {
      int nl = text.indexOf('\n', from);
      int end = nl < 0 ? n : nl;
      int a = skipBlanks(text, from, end);
      int aEnd = wordEnd(text, a, end);
      if (a < aEnd) {
        line.words(text, a, aEnd, end);
      }
      from = end + 1;
    }
  }

  /** Reads a single-value file: a bare value, or {@code <region> <value>} lines. */
  public static void single(String text, ValueSink sink) {
    lines(text, (t, a, aEnd, end) -> {
      int b = skipBlanks(t, aEnd, end);
      int bEnd = wordEnd(t, b, end);
      double v = b == bEnd ? number(t, a, aEnd) : number(t, b, bEnd);
      if (!Double.isNaN(v) && skipBlanks(t, bEnd, end) == end) {
        sink.value(b == bEnd ? null : t.substring(a, aEnd), v);
      }
    });
  }

  /** Reads a keyed file: flat {@code key value} lines or nested {@code group key=value ...} lines. */
  public static void keyed(String text, KeyedSink sink) {
    lines(text, (t, a, aEnd, end) -> {
      int eq = t.indexOf('=', aEnd);
      if (eq >= 0 && eq < end) {
        nested(t, t.substring(a, aEnd), aEnd, end, sink);
        return;
      }
      int b = skipBlanks(t, aEnd, end);
      int bEnd = wordEnd(t, b, end);
      double v = number(t, b, bEnd);
      if (!Double.isNaN(v) && skipBlanks(t, bEnd, end) == end) {
        sink.entry(null, t.substring(a, aEnd), v);
      }
    });
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
