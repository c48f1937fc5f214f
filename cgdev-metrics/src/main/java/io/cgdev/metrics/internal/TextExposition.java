package io.cgdev.metrics.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One scrape in Prometheus' text exposition format (version 0.0.4), written as the samples arrive
 * straight into one byte buffer per family (a family's samples must stand together, and a walk visits
 * them cgroup by cgroup). No object per sample: a sample is the family's name, the folder's label
 * block (built once per folder, {@link FolderCache#textLabels()}), the extra label's fragment (built
 * once per value and scrape) and the value's digits.
 *
 * <p>The same text as the Prometheus client's writer gives for the same snapshots (a test compares
 * them), except that whole numbers are written as integers ({@code 1073741824}, not {@code
 * 1.073741824E9}) and the labels keep the order tree, {@code cgroup}, {@code device}, extra rather than
 * sorted. Used by one thread.
 */
public final class TextExposition implements Sink {
  private static final Metric[] METRICS = Metric.values();
  private static final byte[][] HEADERS = new byte[METRICS.length][];
  private static final byte[][] NAMES = new byte[METRICS.length][];

  static {
    for (Metric m : METRICS) {
      String name = m.exposedName();
      HEADERS[m.ordinal()] = ("# HELP " + name + " " + escapeHelp(m.help) + "\n# TYPE " + name + " "
          + (m.counter ? "counter" : "gauge") + "\n").getBytes(StandardCharsets.UTF_8);
      NAMES[m.ordinal()] = name.getBytes(StandardCharsets.UTF_8);
    }
  }

  private final Bytes[] families = new Bytes[METRICS.length];
  /** Per kind of extra label, {@code ,name="value"} by value. */
  private final java.util.List<Map<String, byte[]>> fragments = new java.util.ArrayList<>();

  /**
   * An empty exposition.
   *
   * @param sizeHints the bytes of each family in the previous scrape (by {@link Metric#ordinal()}), so
   *     that the buffers rarely grow; any length, zeros where unknown
   */
  TextExposition(int[] sizeHints) {
    for (int i = 0; i < families.length; i++) {
      families[i] = new Bytes(i < sizeHints.length ? sizeHints[i] + 4096 : 4096);
    }
  }

  @Override
  public void add(Metric metric, FolderCache folder, FolderCache.Extra extra, String value1, String value2,
      double value) {
    Bytes out = start(metric);
    out.append(folder.textLabels());
    if (extra == FolderCache.Extra.EVENT_REGION) {
      out.append(fragment(FolderCache.Extra.EVENT, value1));
      out.append(fragment(FolderCache.Extra.REGION, value2));
    } else if (extra != null) {
      out.append(fragment(extra, value1));
    }
    finish(out, value);
  }

  @Override
  public void add(Metric metric, String[] names, String[] values, double value) {
    Bytes out = start(metric);
    if (names.length == 0) {
      out.append((byte) ' ');
      out.appendDouble(value);
      out.append((byte) '\n');
    } else {
      out.append(labelBlock(names, values).getBytes(StandardCharsets.UTF_8));
      finish(out, value);
    }
  }

  private Bytes start(Metric metric) {
    Bytes out = families[metric.ordinal()];
    if (out.length() == 0) {
      out.append(HEADERS[metric.ordinal()]);
    }
    out.append(NAMES[metric.ordinal()]);
    return out;
  }

  private static void finish(Bytes out, double value) {
    out.append((byte) '}');
    out.append((byte) ' ');
    out.appendDouble(value);
    out.append((byte) '\n');
  }

  private byte[] fragment(FolderCache.Extra extra, String value) {
    while (fragments.size() <= extra.ordinal()) {
      fragments.add(new HashMap<>());
    }
    Map<String, byte[]> m = fragments.get(extra.ordinal());
    byte[] f = m.get(value);
    if (f == null) {
      f = ("," + extra.names[0] + "=\"" + escapeLabel(value) + "\"").getBytes(StandardCharsets.UTF_8);
      m.put(value, f);
    }
    return f;
  }

  /** The bytes of the whole exposition. */
  public long length() {
    long n = 0;
    for (Bytes b : families) {
      n += b.length();
    }
    return n;
  }

  /** Writes the exposition, family after family. */
  public void writeTo(OutputStream out) throws IOException {
    for (Bytes b : families) {
      b.writeTo(out);
    }
  }

  /** The size of every family, as hints for the next scrape. */
  int[] sizes() {
    int[] s = new int[families.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = families[i].length();
    }
    return s;
  }

  /** {@code {name="value",...} } without its closing brace; the values escaped. */
  static String labelBlock(String[] names, String[] values) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < names.length; i++) {
      b.append(i == 0 ? "" : ",").append(names[i]).append("=\"").append(escapeLabel(values[i])).append('"');
    }
    return b.toString();
  }

  /** A label value as the text format wants it: backslash, double quote and newline escaped. */
  static String escapeLabel(String s) {
    return escape(s, true);
  }

  private static String escapeHelp(String s) {
    return escape(s, false);
  }

  private static String escape(String s, boolean quote) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '"' -> b.append(quote ? "\\\"" : "\"");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** A growable byte buffer with the number formatting of the text format. */
  static final class Bytes {
    private static final byte[] POSITIVE_INFINITY = "+Inf".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEGATIVE_INFINITY = "-Inf".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NAN = "NaN".getBytes(StandardCharsets.US_ASCII);
    /** Below this, a whole double is an exact long (2^53). */
    private static final double EXACT = 9007199254740992.0;
    private byte[] buf;
    private int n;

    Bytes(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    int length() {
      return n;
    }

    void append(byte b) {
      ensure(1);
      buf[n++] = b;
    }

    void append(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, buf, n, b.length);
      n += b.length;
    }

    /**
     * A value: whole numbers below 2^53 as integers, the infinities and NaN as the format spells
     * them, any other as {@link Double#toString} (the shortest decimal that reads back the same).
     */
    void appendDouble(double v) {
      if (v == Math.rint(v) && Math.abs(v) < EXACT) {
        appendLong((long) v);
      } else if (v == Double.POSITIVE_INFINITY) {
        append(POSITIVE_INFINITY);
      } else if (v == Double.NEGATIVE_INFINITY) {
        append(NEGATIVE_INFINITY);
      } else if (Double.isNaN(v)) {
        append(NAN);
      } else {
        String s = Double.toString(v);
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
          buf[n++] = (byte) s.charAt(i);
        }
      }
    }

    void appendLong(long v) {
      ensure(20);
      if (v < 0) {
        buf[n++] = '-';
        v = -v;
      }
      int digits = 1;
      for (long p = v; p >= 10; p /= 10) {
        digits++;
      }
      for (int i = n + digits - 1; i >= n; i--) {
        buf[i] = (byte) ('0' + v % 10);
        v /= 10;
      }
      n += digits;
    }

    void writeTo(OutputStream out) throws IOException {
      out.write(buf, 0, n);
    }

    private void ensure(int more) {
      if (n + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
      }
    }
  }
}
