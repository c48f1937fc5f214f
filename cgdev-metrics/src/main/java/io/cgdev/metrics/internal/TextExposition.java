package io.cgdev.metrics.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;

/**
 * One scrape in Prometheus' text exposition format (version 0.0.4): the samples of every family
 * together (the format requires it), in the order of a serial walk, although the walk ran on several
 * threads. Each thread writes into {@link Segment}s of its own; a segment keeps, per family, the list
 * of the byte slices it received, and {@link #writeTo} writes family after family, segment after
 * segment, so nothing is copied into one big buffer.
 *
 * <p>No object per sample: a sample is the family's name, the folder's label block (built once per
 * folder, {@link FolderCache#textLabels()}), the extra label's fragment (built once per value and
 * segment) and the value's digits. The samples of one file are rendered into one slice per family
 * ({@link Rendered}), which the folder's cache keeps with the file's content, so that the next scrape
 * that reads the same content reuses the slices instead of parsing and formatting again.
 *
 * <p>The same text as the Prometheus client's writer gives for the same snapshots (a test compares
 * them), except that whole numbers are written as integers ({@code 1073741824}, not {@code
 * 1.073741824E9}) and the labels keep the order tree, {@code cgroup}, {@code device}, extra rather than
 * sorted. Built by the scrape's threads, then read by one.
 */
public final class TextExposition {
  private static final Metric[] METRICS = Metric.values();
  private static final byte[][] HEADERS = new byte[METRICS.length][];
  private static final byte[][] NAMES = new byte[METRICS.length][];
  /** Bytes gathered before a write to the response: large writes, not one per slice. */
  private static final int WRITE_BLOCK = 1 << 16;

  static {
    for (Metric m : METRICS) {
      String name = m.exposedName();
      HEADERS[m.ordinal()] = ("# HELP " + name + " " + escapeHelp(m.help) + "\n# TYPE " + name + " "
          + (m.counter ? "counter" : "gauge") + "\n").getBytes(StandardCharsets.UTF_8);
      NAMES[m.ordinal()] = name.getBytes(StandardCharsets.UTF_8);
    }
  }

  private final List<Segment> segments;
  private final ForkJoinPool pool;

  /** The exposition of these segments, in this order; {@code pool} compresses it ({@link #writeGzipTo}). */
  TextExposition(List<Segment> segments, ForkJoinPool pool) {
    this.segments = List.copyOf(segments);
    this.pool = pool;
  }

  /** The bytes of the whole exposition. */
  public long length() {
    long n = 0;
    for (int f = 0; f < METRICS.length; f++) {
      long family = 0;
      for (Segment s : segments) {
        family += s.lengths[f];
      }
      n += family == 0 ? 0 : HEADERS[f].length + family;
    }
    return n;
  }

  /** Writes the exposition, family after family, in blocks of 64 KiB. */
  public void writeTo(OutputStream out) throws IOException {
    byte[] block = new byte[WRITE_BLOCK];
    int n = 0;
    for (int f = 0; f < METRICS.length; f++) {
      boolean header = false;
      for (Segment s : segments) {
        List<byte[]> slices = s.families[f];
        if (slices == null) {
          continue;
        }
        if (!header) {
          n = put(out, block, n, HEADERS[f]);
          header = true;
        }
        for (int i = 0, k = slices.size(); i < k; i++) {
          n = put(out, block, n, slices.get(i));
        }
      }
    }
    out.write(block, 0, n);
  }

  /** Writes the exposition gzipped, compressed on the scrape's threads ({@link ParallelGzip}). */
  public void writeGzipTo(OutputStream out) throws IOException {
    ParallelGzip.write(this::writeTo, out, pool);
  }

  private static int put(OutputStream out, byte[] block, int n, byte[] b) throws IOException {
    if (n + b.length > block.length) {
      out.write(block, 0, n);
      n = 0;
      if (b.length > block.length) {
        out.write(b);
        return 0;
      }
    }
    System.arraycopy(b, 0, block, n, b.length);
    return n + b.length;
  }

  /**
   * The samples one file gave, one slice per family it feeds; immutable, so one scrape's segment and
   * the next scrape's may share it.
   */
  static final class Rendered {
    private final int[] families;
    private final byte[][] slices;

    Rendered(int[] families, byte[][] slices) {
      this.families = families;
      this.slices = slices;
    }
  }

  /**
   * The part of a scrape one thread wrote without interruption: a run of folders in walk order, then
   * possibly the tree's own samples (DCGM, the scrape's). Samples are rendered file by file: {@link
   * #add} writes into a scratch buffer per family, {@link #endFile} moves them into the segment and
   * returns them as a {@link Rendered} to keep, {@link #replay} adds a kept one again. Used by one
   * thread.
   */
  static final class Segment implements Sink {
    /** Per family, the slices in order; null while there are none. */
    private final List<byte[]>[] families;
    private final long[] lengths = new long[METRICS.length];
    private final Bytes[] scratch = new Bytes[METRICS.length];
    /** The families written since the last {@link #endFile}, in order of first sample. */
    private final int[] touched = new int[METRICS.length];
    private int touchedCount;
    /** Per kind of extra label, {@code ,name="value"} by value. */
    private final List<Map<String, byte[]>> fragments = new ArrayList<>();

    @SuppressWarnings("unchecked")
    Segment() {
      families = (List<byte[]>[]) new List<?>[METRICS.length];
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

    /** A sample with exactly these labels; written into the segment at once. */
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
      endFile();
    }

    /** Moves the samples written since the last call into the segment, and returns them. */
    Rendered endFile() {
      int[] fams = Arrays.copyOf(touched, touchedCount);
      byte[][] slices = new byte[touchedCount][];
      for (int i = 0; i < touchedCount; i++) {
        Bytes b = scratch[fams[i]];
        slices[i] = b.toArray();
        b.clear();
        append(fams[i], slices[i]);
      }
      touchedCount = 0;
      return new Rendered(fams, slices);
    }

    /** Adds the samples of a file again, as rendered by an earlier scrape of the same content. */
    void replay(Rendered r) {
      for (int i = 0; i < r.families.length; i++) {
        append(r.families[i], r.slices[i]);
      }
    }

    private void append(int family, byte[] slice) {
      List<byte[]> l = families[family];
      if (l == null) {
        l = new ArrayList<>();
        families[family] = l;
      }
      l.add(slice);
      lengths[family] += slice.length;
    }

    private Bytes start(Metric metric) {
      int f = metric.ordinal();
      Bytes out = scratch[f];
      if (out == null) {
        out = new Bytes(256);
        scratch[f] = out;
      }
      if (out.length() == 0) {
        touched[touchedCount++] = f;
      }
      out.append(NAMES[f]);
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

    byte[] toArray() {
      return Arrays.copyOf(buf, n);
    }

    void clear() {
      n = 0;
    }

    private void ensure(int more) {
      if (n + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
      }
    }
  }
}
