package io.cgdev.controller.memory;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.KernelText;
import io.cgdev.api.Keyed;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.FileFlag;
import io.cgdev.api.spi.FileHandle;
import io.cgdev.plugin.support.PressureFile;
import java.util.List;
import java.util.Locale;

/**
 * The memory controller's per-device file table, in memcg's exact shapes (mm/memcontrol.c, {@code
 * Documentation/admin-guide/cgroup-v2.rst}): single values ({@code 536870912\n}, {@code max\n}),
 * flat keyed events and statistics, limits parsed by {@code page_counter_memparse} and rounded down
 * to the region's pages; plus {@code memory.capacity} (root only, ours). Swap is the bytes of
 * buffers evicted to host memory.
 */
final class MemoryFiles {
  private MemoryFiles() {}

  /** Which memory limit a write sets. */
  enum Limit {
    MIN, LOW, HIGH, MAX;

    String file() {
      return "memory." + name().toLowerCase(Locale.ROOT);
    }

    long read(PageCounter c) {
      return switch (this) {
        case MIN -> c.min();
        case LOW -> c.low();
        case HIGH -> c.high();
        case MAX -> c.max();
      };
    }

    void apply(MemoryState s, long bytes, boolean nonBlocking) {
      switch (this) {
        case MIN -> s.counter().setMin(bytes);
        case LOW -> s.counter().setLow(bytes);
        case HIGH -> s.binding().setHigh(s, bytes, nonBlocking);
        case MAX -> s.binding().setMax(s, bytes, nonBlocking);
      }
    }
  }

  /** Keys of {@code memory.stat}, in file order. */
  static final List<String> STAT_KEYS = List.of(
      "charged", "peak", "failcnt", "failed_charges", "evicted", "evictions", "pswpin", "pswpout",
      "reclaim_requests", "reclaimed");

  static List<CgroupFile<MemoryState>> deviceFiles() {
    return List.of(
        CgroupFile.readOnly("current", (s, h) -> value(s.usage())),
        CgroupFile.readOnly("capacity", (s, h) -> value(s.binding().regionSpec().capacity()), FileFlag.ONLY_ON_ROOT),
        limitFile(Limit.MIN),
        limitFile(Limit.LOW),
        limitFile(Limit.HIGH),
        limitFile(Limit.MAX),
        CgroupFile.readWrite("peak", (s, h) -> value(s.memoryPeaks().peak(watch(h))), (s, v, h) -> resetPeak(s, v, h, false)),
        CgroupFile.readOnly("events", (s, h) -> events(s, false)),
        CgroupFile.readOnly("events.local", (s, h) -> events(s, true)),
        CgroupFile.readOnly("stat", (s, h) -> stat(s)),
        CgroupFile.<MemoryState>named("reclaim").writer(MemoryFiles::reclaim).build(),
        CgroupFile.readOnly("swap.current", (s, h) -> value(s.swap().usage())),
        CgroupFile.readWrite("swap.high", (s, h) -> value(s.swap().high()),
            (s, v, h) -> s.swap().setHigh(Memparse.pages(v, s.binding().regionSpec().pageSize(), "memory.swap.high")),
            FileFlag.NOT_ON_ROOT),
        CgroupFile.readWrite("swap.max", (s, h) -> value(s.swap().max()),
            (s, v, h) -> s.swap().setMax(Memparse.pages(v, s.binding().regionSpec().pageSize(), "memory.swap.max")),
            FileFlag.NOT_ON_ROOT),
        CgroupFile.readWrite("swap.peak", (s, h) -> value(s.swapPeaks().peak(watch(h))), (s, v, h) -> resetPeak(s, v, h, true)),
        CgroupFile.readOnly("swap.events", (s, h) -> swapEvents(s)),
        PressureFile.of("pressure", MemoryState::pressure, s -> true, s -> () -> s.binding().notifyPressure(s)));
  }

  private static CgroupFile<MemoryState> limitFile(Limit limit) {
    return CgroupFile.readWrite(
        limit.name().toLowerCase(Locale.ROOT),
        (s, h) -> value(limit.read(s.counter())),
        (s, value, h) -> limit.apply(s, Memparse.pages(value, s.binding().regionSpec().pageSize(), limit.file()),
            h.nonBlocking()),
        FileFlag.NOT_ON_ROOT);
  }

  /** A single value as memcg prints it: bytes, or {@code max}. */
  static String value(long bytes) {
    return bytes == PageCounter.MAX ? "max\n" : bytes + "\n";
  }

  private static MemoryState.PeakWatch watch(FileHandle h) {
    return h != null && h.attachment() instanceof MemoryState.PeakWatch w ? w : null;
  }

  private static void resetPeak(MemoryState s, String value, FileHandle h, boolean swap) {
    if (value.isEmpty()) {
      return; // only a non-empty value resets (cgroup-v2.rst); the file view has stripped whitespace
    }
    MemoryState.PeakWatchers peaks = swap ? s.swapPeaks() : s.memoryPeaks();
    h.attach(peaks.reset(watch(h), swap ? s.swap().usage() : s.usage()));
  }

  static String events(MemoryState s, boolean local) {
    Keyed.Flat out = Keyed.flat();
    for (MemoryEvent e : MemoryEvent.ALL) {
      out.put(e.key(), s.events(e, local));
    }
    return out.toString();
  }

  static String swapEvents(MemoryState s) {
    Keyed.Flat out = Keyed.flat();
    for (SwapEvent e : SwapEvent.ALL) {
      out.put(e.key(), s.events(e));
    }
    return out.toString();
  }

  static String stat(MemoryState s) {
    long usage = s.usage();
    PageCounter c = s.counter();
    long[] v = {
      usage,
      c.watermark(),
      c.failcnt(),
      s.stat(MemoryState.Stat.FAILED_CHARGES),
      s.stat(MemoryState.Stat.EVICTED),
      s.stat(MemoryState.Stat.EVICTIONS),
      s.stat(MemoryState.Stat.PSWPIN),
      s.stat(MemoryState.Stat.PSWPOUT),
      s.stat(MemoryState.Stat.RECLAIM_REQUESTS),
      s.stat(MemoryState.Stat.RECLAIMED),
    };
    Keyed.Flat out = Keyed.flat();
    for (int k = 0; k < v.length; k++) {
      out.put(STAT_KEYS.get(k), v[k]);
    }
    return out.toString();
  }

  /**
   * {@code memory.reclaim}, parsed as the kernel's {@code user_proactive_reclaim}: a size
   * ({@code memparse}, which must read at least one character), then space-separated options, of
   * which only {@code swappiness=<0..200>} and {@code swappiness=max} exist; anything else is {@code
   * EINVAL}.
   */
  static void reclaim(MemoryState s, String value, FileHandle h) {
    Memparse.Parsed size = Memparse.prefix(value);
    if (size.end() == 0) {
      throw CgroupException.of(Errno.EINVAL, "memory.reclaim: invalid value '%s': expected a size, e.g. 64M", value);
    }
    int swappiness = -1;
    for (String token : KernelText.strip(value.substring(size.end())).split(" ")) {
      if (token.isEmpty()) {
        continue;
      }
      swappiness = swappiness(token, value);
    }
    s.binding().proactiveReclaim(s, size.value(), swappiness);
  }

  /** One {@code swappiness=} option, as the kernel's {@code match_token} and {@code match_int} read it. */
  private static int swappiness(String token, String value) {
    if (token.equals("swappiness=max")) {
      return 201; // the kernel's SWAPPINESS_ANON_ONLY: swap only, which is all a device can do anyway
    }
    String prefix = "swappiness=";
    if (token.startsWith(prefix)) {
      try {
        int v = io.cgdev.api.Numbers.parseKernelInt(token.substring(prefix.length()), "swappiness");
        if (v >= 0 && v <= 200) {
          return v;
        }
      } catch (CgroupException e) {
        // not a number: EINVAL below, as the kernel's match_int failing
      }
    }
    throw CgroupException.of(Errno.EINVAL, "memory.reclaim: invalid option '%s' in '%s': expected swappiness=<0..200> or"
        + " swappiness=max", token, value);
  }
}
