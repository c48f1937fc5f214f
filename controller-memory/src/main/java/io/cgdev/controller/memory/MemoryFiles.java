package io.cgdev.controller.memory;

import io.cgdev.api.ByteSize;
import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.KernelText;
import io.cgdev.api.Keyed;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.FileFlag;
import io.cgdev.api.spi.FileHandle;
import java.util.List;

/**
 * The memory controller's per-device file table and its value shapes.
 *
 * <p>Shape rule (docs/MEMORY.md): a registration with ONE region shows exactly memcg's shapes
 * ({@code 536870912\n}, {@code max\n}, flat keyed {@code memory.events}); one with SEVERAL regions
 * shows one line per region in registration order: {@code <region> <value>} for single-value files
 * (dmem's shape), {@code <region> key=value ...} (nested keyed) for keyed files. Limit writes take a
 * value, or {@code <region> <value>} lines (one or more, each region at most once); the whole write
 * is parsed and validated before any region changes.
 */
final class MemoryFiles {
  private MemoryFiles() {}

  /** Which limit a write sets. */
  enum Limit {
    MIN, LOW, HIGH, MAX;

    String file() {
      return "memory." + name().toLowerCase(java.util.Locale.ROOT);
    }

    long read(PageCounter c) {
      return switch (this) {
        case MIN -> c.min();
        case LOW -> c.low();
        case HIGH -> c.high();
        case MAX -> c.max();
      };
    }

    void apply(MemoryState s, int region, long bytes, boolean nonBlocking) {
      switch (this) {
        case MIN -> s.counter(region).setMin(bytes);
        case LOW -> s.counter(region).setLow(bytes);
        case HIGH -> s.binding().setHigh(s, region, bytes, nonBlocking);
        case MAX -> s.binding().setMax(s, region, bytes, nonBlocking);
      }
    }
  }

  static List<CgroupFile<MemoryState>> deviceFiles() {
    return List.of(
        CgroupFile.readOnly("current", (s, h) -> perRegion(s, r -> s.usage(r))),
        CgroupFile.readOnly("capacity", (s, h) -> perRegion(s, r -> s.binding().regionSpec(r).capacity()), FileFlag.ONLY_ON_ROOT),
        limitFile(Limit.MIN),
        limitFile(Limit.LOW),
        limitFile(Limit.HIGH),
        limitFile(Limit.MAX),
        CgroupFile.readWrite("peak", MemoryFiles::readPeak, MemoryFiles::writePeak),
        CgroupFile.readOnly("events", (s, h) -> events(s, false)),
        CgroupFile.readOnly("events.local", (s, h) -> events(s, true)),
        CgroupFile.readOnly("stat", (s, h) -> stat(s)),
        CgroupFile.readOnly("pressure", (s, h) -> pressure(s)));
  }

  /** {@code memory.pressure} in the kernel's format, its averages brought up to the device's time. */
  static String pressure(MemoryState s) {
    s.pressure().advance();
    return s.pressure().show(true);
  }

  private static CgroupFile<MemoryState> limitFile(Limit limit) {
    return CgroupFile.readWrite(
        limit.name().toLowerCase(java.util.Locale.ROOT),
        (s, h) -> perRegion(s, r -> limit.read(s.counter(r))),
        (s, value, h) -> writeLimit(s, limit, value, h),
        FileFlag.NOT_ON_ROOT);
  }

  /** Reads one value per region of a state. */
  @FunctionalInterface
  interface RegionValue {
    long of(int region);
  }

  static String perRegion(MemoryState s, RegionValue value) {
    if (s.regions() == 1) {
      return ByteSize.format(value.of(0)) + "\n";
    }
    Keyed.Flat out = Keyed.flat();
    for (int r = 0; r < s.regions(); r++) {
      out.put(s.binding().regionName(r), ByteSize.format(value.of(r)));
    }
    return out.toString();
  }

  static void writeLimit(MemoryState s, Limit limit, String value, FileHandle handle) {
    long[] values = parseLimits(s.binding(), limit, value);
    for (int r = 0; r < values.length; r++) {
      if (values[r] != UNCHANGED) {
        limit.apply(s, r, values[r], handle.nonBlocking());
      }
    }
  }

  /** Marks a region a write leaves alone. */
  static final long UNCHANGED = -1;

  /**
   * Parses a limit write: a lone value (one-region devices only) or {@code <region> <value>} lines.
   *
   * @return per region the new limit rounded down to the region's page size, or {@link #UNCHANGED}
   * @throws CgroupException {@code EINVAL} for a bad value, an unknown or repeated region
   */
  static long[] parseLimits(MemoryBinding b, Limit limit, String value) {
    long[] out = new long[b.regionCount()];
    java.util.Arrays.fill(out, UNCHANGED);
    // the kernel's white space only (KernelText): a Unicode space is not a separator
    String text = KernelText.strip(value);
    String[] lines = text.split("\n");
    if (b.regionCount() == 1 && lines.length == 1 && KernelText.fields(text).length == 1) {
      out[0] = pageAligned(b, 0, parseSize(b, limit, text));
      return out;
    }
    for (String line : lines) {
      String[] f = KernelText.fields(line);
      if (f.length == 0) {
        continue;
      }
      if (f.length != 2) {
        throw CgroupException.of(Errno.EINVAL, "%s of %s: invalid line '%s': expected '<region> <bytes>|max'%s",
            limit.file(), b.deviceName(), KernelText.strip(line), b.regionCount() > 1 ? " (the device has several regions)" : "");
      }
      int r = regionIndex(b, f[0], limit.file());
      if (out[r] != UNCHANGED) {
        throw CgroupException.of(Errno.EINVAL, "%s of %s: region %s given twice", limit.file(), b.deviceName(), f[0]);
      }
      out[r] = pageAligned(b, r, parseSize(b, limit, f[1]));
    }
    boolean any = false;
    for (long v : out) {
      any |= v != UNCHANGED;
    }
    if (!any) {
      throw CgroupException.of(Errno.EINVAL, "%s of %s: empty write", limit.file(), b.deviceName());
    }
    return out;
  }

  static int regionIndex(MemoryBinding b, String name, String file) {
    for (int r = 0; r < b.regionCount(); r++) {
      if (b.regionName(r).equals(name)) {
        return r;
      }
    }
    throw CgroupException.of(Errno.EINVAL, "%s of %s: unknown region '%s'", file, b.deviceName(), name);
  }

  private static long parseSize(MemoryBinding b, Limit limit, String text) {
    try {
      return ByteSize.parse(text);
    } catch (CgroupException e) {
      throw new CgroupException(e.errno(), limit.file() + " of " + b.deviceName() + ": " + e.getMessage(), e);
    }
  }

  private static long pageAligned(MemoryBinding b, int region, long bytes) {
    if (bytes == ByteSize.MAX) {
      return bytes;
    }
    return bytes & -b.regionSpec(region).pageSize();
  }

  private static String readPeak(MemoryState s, FileHandle h) {
    MemoryState.PeakWatch watch = h != null && h.attachment() instanceof MemoryState.PeakWatch w ? w : null;
    return perRegion(s, r -> s.peak(r, watch));
  }

  private static void writePeak(MemoryState s, String value, FileHandle h) {
    if (value.isEmpty()) {
      return; // only a non-empty value resets (cgroup-v2.rst); the file view has stripped whitespace
    }
    MemoryState.PeakWatch watch = h.attachment() instanceof MemoryState.PeakWatch w ? w : null;
    h.attach(s.resetPeak(watch));
  }

  static String events(MemoryState s, boolean local) {
    if (s.regions() == 1) {
      Keyed.Flat out = Keyed.flat();
      for (MemoryEvent e : MemoryEvent.ALL) {
        out.put(e.key(), s.events(0, e, local));
      }
      return out.toString();
    }
    Keyed.Nested out = Keyed.nested();
    for (int r = 0; r < s.regions(); r++) {
      out.line(s.binding().regionName(r));
      for (MemoryEvent e : MemoryEvent.ALL) {
        out.put(e.key(), s.events(r, e, local));
      }
    }
    return out.toString();
  }

  /** Keys of {@code memory.stat}, in file order. */
  static final List<String> STAT_KEYS = List.of(
      "charged", "peak", "failcnt", "failed_charges", "evicted", "evictions", "reclaim_requests", "reclaimed");

  static String stat(MemoryState s) {
    if (s.regions() == 1) {
      Keyed.Flat out = Keyed.flat();
      long[] v = statValues(s, 0);
      for (int k = 0; k < v.length; k++) {
        out.put(STAT_KEYS.get(k), v[k]);
      }
      return out.toString();
    }
    Keyed.Nested out = Keyed.nested();
    for (int r = 0; r < s.regions(); r++) {
      out.line(s.binding().regionName(r));
      long[] v = statValues(s, r);
      for (int k = 0; k < v.length; k++) {
        out.put(STAT_KEYS.get(k), v[k]);
      }
    }
    return out.toString();
  }

  private static long[] statValues(MemoryState s, int r) {
    long usage = s.usage(r);
    PageCounter c = s.counter(r);
    return new long[] {
      usage,
      c.watermark(),
      c.failcnt(),
      s.stat(r, MemoryState.Stat.FAILED_CHARGES),
      s.stat(r, MemoryState.Stat.EVICTED),
      s.stat(r, MemoryState.Stat.EVICTIONS),
      s.stat(r, MemoryState.Stat.RECLAIM_REQUESTS),
      s.stat(r, MemoryState.Stat.RECLAIMED),
    };
  }
}
