package io.cgdev.sim;

import io.cgdev.api.ByteSize;
import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a tenant's per-device files of the scenario's device, as a user of the file view would,
 * for the samples and the report: single values (memcg's shapes: {@code 4096}, {@code max}), {@code
 * usage_usec} of {@code cpu.stat} and the {@code total=} of a pressure file's {@code some} and {@code
 * full} lines. A file that does not exist (the controller does not govern the device) reads as the
 * given default. While {@link #keepOpen kept open} (the run's sampling
 * loop), a file is opened once and read again through its handle, as a monitoring tool keeps its
 * file descriptors (looking the path up again cost more than generating the content); a handle whose
 * file went away ({@code ENODEV}) is dropped and the path looked up afresh. A caller that reads the
 * same files at every sample holds them as {@link Kept} files, which keep their handle themselves (no
 * map lookup per read). Values are parsed in place, without splitting the text. Simulating thread only.
 */
final class TenantFiles {
  private final CgroupFs fs;
  private final String device;
  /** Every kept file, those of {@link #kept(String)} and those {@link #read(String)} keeps by path. */
  private final List<Kept> kept = new ArrayList<>();
  private final Map<String, Kept> byPath = new HashMap<>();
  private boolean keepOpen;

  /**
   * A file read again and again (from {@link #kept(String)}): its path, and its handle while {@link
   * #keepOpen kept open}.
   */
  static final class Kept {
    private final String path;
    private OpenFile handle;

    private Kept(String path) {
      this.path = path;
    }

    @Override
    public String toString() {
      return path;
    }
  }

  /** @param device the device whose folders are read */
  TenantFiles(CgroupFs fs, String device) {
    this.fs = fs;
    this.device = device;
  }

  /** A per-device file of a cgroup, e.g. {@code /a/memory.devices/i915.0/memory.current}. */
  String file(String cgroup, String controller, String name) {
    return (cgroup.equals("/") ? "" : cgroup) + "/" + controller + ".devices/" + device + "/" + controller + "." + name;
  }

  /** The content of a per-device file; throws as the file view does. */
  String read(String cgroup, String controller, String name) {
    return read(file(cgroup, controller, name));
  }

  /**
   * The content of the file at {@code path} (from {@link #file}); while kept open, through a {@link
   * Kept} file found by its path (a caller that reads a file again and again holds the {@link Kept}
   * itself instead, with no lookup per read); throws as the file view does.
   */
  String read(String path) {
    if (!keepOpen) {
      return fs.read(path);
    }
    Kept k = byPath.get(path);
    if (k == null) {
      k = kept(path);
      byPath.put(path, k);
    }
    return read(k);
  }

  /** The file at {@code path} (from {@link #file}) to be read again and again through {@link #read(Kept)}. */
  Kept kept(String path) {
    Kept k = new Kept(path);
    kept.add(k);
    return k;
  }

  /** {@link #read(String)} of a kept file: through the handle it holds while kept open. */
  String read(Kept file) {
    if (!keepOpen) {
      return fs.read(file.path);
    }
    OpenFile handle = file.handle;
    if (handle != null) {
      try {
        return handle.read();
      } catch (CgroupException e) {
        file.handle = null; // gone since it was opened (cgroup, device or controller): look it up again
        handle.close();
      }
    }
    handle = fs.open(file.path, OpenOptions.READ);
    try {
      String content = handle.read();
      file.handle = handle;
      return content;
    } catch (CgroupException e) {
      handle.close();
      throw e;
    }
  }

  /** From now on files read stay open and are read again through their handles, until {@link #closeAll}. */
  void keepOpen() {
    keepOpen = true;
  }

  /** Closes the handles kept open; reads open and close each file again. Idempotent. */
  void closeAll() {
    keepOpen = false;
    for (Kept k : kept) {
      if (k.handle != null) {
        k.handle.close();
        k.handle = null;
      }
    }
  }

  /** A single-value file's number ({@code max} is {@link ByteSize#MAX}), or {@code dflt} where there is none. */
  long readLong(String cgroup, String controller, String name, long dflt) {
    return readLong(file(cgroup, controller, name), dflt);
  }

  /** {@link #readLong(String, String, String, long)} of the file at {@code path} (from {@link #file}). */
  long readLong(String path, long dflt) {
    String s = contentOrNull(path);
    return s == null ? dflt : longIn(s, dflt);
  }

  /** {@link #readLong(String, long)} of a kept file. */
  long readLong(Kept file, long dflt) {
    String s = contentOrNull(file);
    return s == null ? dflt : longIn(s, dflt);
  }

  /** The content of the file at {@code path}, or null where it cannot be read (no such file for the device). */
  private String contentOrNull(String path) {
    try {
      return read(path);
    } catch (CgroupException e) {
      return null;
    }
  }

  /** {@link #contentOrNull(String)} of a kept file. */
  private String contentOrNull(Kept file) {
    try {
      return read(file);
    } catch (CgroupException e) {
      return null;
    }
  }

  /** A single value's number ({@code max} is {@link ByteSize#MAX}), {@code dflt} if it is none. */
  private static long longIn(String s, long dflt) {
    // the value between surrounding white space (as strip() finds it), parsed in place: no copy per read
    int from = 0;
    int to = s.length();
    while (from < to && Character.isWhitespace(s.charAt(from))) {
      from++;
    }
    while (to > from && Character.isWhitespace(s.charAt(to - 1))) {
      to--;
    }
    if (to - from == 3 && s.startsWith("max", from)) {
      return ByteSize.MAX;
    }
    try {
      return Long.parseLong(s, from, to, 10);
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

  /** {@code usage_usec} of the cgroup's {@code cpu.stat}; 0 without a cpu controller for the device. */
  long usageUsec(String cgroup) {
    return usageUsecOf(file(cgroup, "cpu", "stat"));
  }

  /** {@link #usageUsec(String)} of the {@code cpu.stat} file at {@code path} (from {@link #file}). */
  long usageUsecOf(String path) {
    String stat = contentOrNull(path);
    return stat == null ? 0 : usageUsecIn(stat);
  }

  /** {@link #usageUsec(String)} of a kept {@code cpu.stat} file. */
  long usageUsec(Kept file) {
    String stat = contentOrNull(file);
    return stat == null ? 0 : usageUsecIn(stat);
  }

  private static long usageUsecIn(String stat) {
    // the first line by the file's format; looked for by name all the same, without a regex per read
    String key = "usage_usec ";
    for (int at = 0; at < stat.length(); ) {
      int end = stat.indexOf('\n', at);
      if (end < 0) {
        end = stat.length();
      }
      if (stat.startsWith(key, at)) {
        try {
          return Long.parseLong(stat, at + key.length(), end, 10);
        } catch (NumberFormatException e) {
          return 0;
        }
      }
      at = end + 1;
    }
    return 0;
  }

  /**
   * The {@code total=} values (µs) of a pressure file's {@code some} and {@code full} lines (the kernel's
   * PSI format, {@code cpu.pressure}, {@code memory.pressure}) into {@code out[0]} and {@code out[1]}.
   *
   * @return false, with {@code out} untouched, when the cgroup has no such file for the device (the
   *     controller does not govern it) or the text is not in that format
   */
  boolean pressureTotals(String cgroup, String controller, long[] out) {
    return pressureTotals(file(cgroup, controller, "pressure"), out);
  }

  /** {@link #pressureTotals(String, String, long[])} of the pressure file at {@code path} (from {@link #file}). */
  boolean pressureTotals(String path, long[] out) {
    String text = contentOrNull(path);
    return text != null && pressureTotalsIn(text, out);
  }

  /** {@link #pressureTotals(String, String, long[])} of a kept pressure file. */
  boolean pressureTotals(Kept file, long[] out) {
    String text = contentOrNull(file);
    return text != null && pressureTotalsIn(text, out);
  }

  private static boolean pressureTotalsIn(String text, long[] out) {
    long some = -1;
    long full = -1;
    String key = " total=";
    for (int at = 0; at < text.length(); ) {
      int end = text.indexOf('\n', at);
      if (end < 0) {
        end = text.length();
      }
      int total = text.lastIndexOf(key, end);
      if (total >= at) {
        try {
          long v = Long.parseLong(text, total + key.length(), end, 10);
          if (text.startsWith("some ", at)) {
            some = v;
          } else if (text.startsWith("full ", at)) {
            full = v;
          }
        } catch (NumberFormatException e) {
          return false;
        }
      }
      at = end + 1;
    }
    if (some < 0 || full < 0) {
      return false;
    }
    out[0] = some;
    out[1] = full;
    return true;
  }
}
