package io.cgdev.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.Errno;
import io.cgdev.api.FsEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntBiFunction;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * The file-format and errno rules every interface file obeys (docs/TCK.md, docs/SEMANTICS.md §1),
 * as reusable checks over a folder of the file view.
 */
public final class FileRules {
  private static final String GARBAGE = "garbage!%";

  private FileRules() {}

  private static final String BYTES = "(0|[1-9][0-9]*)\n";
  private static final String BYTES_OR_MAX = "(0|[1-9][0-9]*|max)\n";
  /** The pressure stall format (Documentation/accounting/psi.rst), some and full. */
  private static final String PRESSURE =
      "some avg10=[0-9]+\\.[0-9][0-9] avg60=[0-9]+\\.[0-9][0-9] avg300=[0-9]+\\.[0-9][0-9] total=[0-9]+\n"
          + "full avg10=[0-9]+\\.[0-9][0-9] avg60=[0-9]+\\.[0-9][0-9] avg300=[0-9]+\\.[0-9][0-9] total=[0-9]+\n";
  private static final String EVENTS = "low (0|[1-9][0-9]*)\nhigh (0|[1-9][0-9]*)\nmax (0|[1-9][0-9]*)\noom (0|[1-9][0-9]*)\n"
      + "oom_kill (0|[1-9][0-9]*)\noom_group_kill (0|[1-9][0-9]*)\nsock_throttled (0|[1-9][0-9]*)\n";

  /**
   * Applies a per-folder rule (one of the checks below, each returning how many files it checked) to
   * every folder, and skips the calling test with {@code ifNone} when no folder had a file the rule
   * applies to: nothing checked is not a pass.
   */
  static void inEveryFolder(CgroupFs fs, List<String> folders, ToIntBiFunction<CgroupFs, String> rule, String ifNone) {
    int n = 0;
    for (String folder : folders) {
      n += rule.applyAsInt(fs, folder);
    }
    Assumptions.assumeTrue(n > 0, ifNone);
  }

  /**
   * memcg's documented shape of each file (Documentation/admin-guide/cgroup-v2.rst, key orders from
   * mm/memcontrol.c), with its mode: a pattern for the whole content, or null for a write-only file.
   */
  private static final Map<String, Object[]> MEMCG = Map.ofEntries(
      Map.entry("memory.current", new Object[] {BYTES, 0444}),
      Map.entry("memory.capacity", new Object[] {BYTES, 0444}), // cgdev's: the region's size, on the root
      Map.entry("memory.min", new Object[] {BYTES_OR_MAX, 0644}),
      Map.entry("memory.low", new Object[] {BYTES_OR_MAX, 0644}),
      Map.entry("memory.high", new Object[] {BYTES_OR_MAX, 0644}),
      Map.entry("memory.max", new Object[] {BYTES_OR_MAX, 0644}),
      Map.entry("memory.peak", new Object[] {BYTES, 0644}),
      Map.entry("memory.events", new Object[] {EVENTS, 0444}),
      Map.entry("memory.events.local", new Object[] {EVENTS, 0444}),
      Map.entry("memory.stat", new Object[] {"([a-z_]+ (0|[1-9][0-9]*)\n)+", 0444}),
      Map.entry("memory.reclaim", new Object[] {null, 0200}),
      Map.entry("memory.pressure", new Object[] {PRESSURE, 0644}), // a write sets a trigger, not a setting
      Map.entry("memory.swap.current", new Object[] {BYTES, 0444}),
      Map.entry("memory.swap.high", new Object[] {BYTES_OR_MAX, 0644}),
      Map.entry("memory.swap.max", new Object[] {BYTES_OR_MAX, 0644}),
      Map.entry("memory.swap.peak", new Object[] {BYTES, 0644}),
      Map.entry("memory.swap.events", new Object[] {
          "high (0|[1-9][0-9]*)\nmax (0|[1-9][0-9]*)\nfail (0|[1-9][0-9]*)\n", 0444}));

  /**
   * Every {@code memory.*} file of a memory controller's per-device folder (one memory registration)
   * has the shape and mode of memcg's file of that name: single values ({@code 268435456\n}, {@code
   * max\n}), flat-keyed {@code memory.events}/{@code memory.events.local} and {@code
   * memory.swap.events} in memcg's key order, flat-keyed {@code memory.stat}, write-only {@code
   * memory.reclaim}. A {@code memory.*} file memcg has not (but {@code memory.capacity}) fails: a file
   * of a reused name must mean what the kernel's means. Also checks that {@code memory.max} takes a
   * memcg value ({@code 256M}) and reads it back in bytes.
   *
   * @param folder e.g. {@code /a/memory.devices/gpu0}
   * @return the number of files checked
   */
  public static int memcgShapes(CgroupFs fs, String folder) {
    int checked = 0;
    for (String f : files(fs, folder)) {
      String name = f.substring(f.lastIndexOf('/') + 1);
      if (!name.startsWith("memory.")) {
        continue;
      }
      Object[] row = MEMCG.get(name);
      assertTrue(row != null, f + ": memcg has no file of that name; a per-device memory file must be one of " + MEMCG.keySet());
      FsEntry e = fs.stat(f);
      assertEquals((int) row[1], e.mode(), f + ": memcg's mode is " + Integer.toOctalString((int) row[1]) + ", found "
          + Integer.toOctalString(e.mode()));
      if (row[0] != null) {
        String content = fs.read(f);
        assertTrue(Pattern.matches((String) row[0], content), f + " must have memcg's shape /" + row[0].toString()
            .replace("\n", "\\n") + "/, read: '" + content + "'");
      }
      checked++;
    }
    String max = folder + (folder.endsWith("/") ? "" : "/") + "memory.max";
    if (files(fs, folder).contains(max)) {
      String old = fs.read(max);
      fs.write(max, "256M");
      assertEquals("268435456\n", fs.read(max), max + ": memcg's 'echo 256M > memory.max' reads back 268435456");
      fs.write(max, old.strip());
    }
    return checked;
  }

  /** The interface files directly in a folder. */
  public static List<String> files(CgroupFs fs, String folder) {
    List<String> out = new ArrayList<>();
    for (FsEntry e : fs.list(folder)) {
      if (!e.isDirectory()) {
        out.add(folder + (folder.endsWith("/") ? "" : "/") + e.name());
      }
    }
    return out;
  }

  /**
   * Every file is readable (as the kernel's cgroup files are, but for write-only triggers such as
   * {@code memory.reclaim}, which must then be listed in {@code writeOnly}), reads without error, and
   * its content ends in a newline (an empty list reads as {@code "\n"}).
   *
   * @return the number of files read
   */
  public static int readableFilesEndWithNewline(CgroupFs fs, String folder, Set<String> writeOnly) {
    List<String> files = files(fs, folder);
    assertTrue(!files.isEmpty(), "no files in " + folder);
    int checked = 0;
    for (String f : files) {
      FsEntry e = fs.stat(f);
      if (writeOnly.contains(e.name())) {
        continue;
      }
      assertTrue(e.readable(), f + " is not readable (mode " + Integer.toOctalString(e.mode()) + ")");
      String content = fs.read(f);
      assertTrue(content.endsWith("\n"), f + " must end with a newline, read: '" + content + "'");
      checked++;
    }
    return checked;
  }

  /** {@link #readableFilesEndWithNewline(CgroupFs, String, Set)} with no write-only files. */
  public static int readableFilesEndWithNewline(CgroupFs fs, String folder) {
    return readableFilesEndWithNewline(fs, folder, Set.of());
  }

  /**
   * Files that read and write but whose write is not a setting: a pressure file's write sets a trigger
   * on the one open file ({@code some 150000 1000000}), so its content does not write back (the
   * kernel's refuses it with {@code EINVAL} too). The round-trip rules skip them.
   */
  public static final Set<String> TRIGGER_FILES = Set.of("cpu.pressure", "memory.pressure", "io.pressure", "irq.pressure");

  /**
   * Every readable and writable file accepts back what it reads, and then reads the same ({@link
   * #TRIGGER_FILES} aside).
   *
   * @return the number of files written
   */
  public static int writableFilesRoundTrip(CgroupFs fs, String folder) {
    int checked = 0;
    for (String f : files(fs, folder)) {
      FsEntry e = fs.stat(f);
      if (e.readable() && e.writable() && !TRIGGER_FILES.contains(e.name())) {
        String before = fs.read(f);
        try {
          fs.write(f, before);
        } catch (CgroupException ex) {
          fail(f + " refused its own content '" + before.strip() + "': " + ex);
        }
        assertEquals(before, fs.read(f), f + " changed after writing back what it read");
        checked++;
      }
    }
    return checked;
  }

  /**
   * Every readable and writable file ignores surrounding whitespace and one trailing newline in a
   * write (docs/SEMANTICS.md §1): its own value written as {@code "  <value> \n"} is accepted and
   * changes nothing ({@link #TRIGGER_FILES} aside).
   *
   * @return the number of files written
   */
  public static int surroundingWhitespaceIsIgnored(CgroupFs fs, String folder) {
    int checked = 0;
    for (String f : files(fs, folder)) {
      FsEntry e = fs.stat(f);
      if (e.readable() && e.writable() && !TRIGGER_FILES.contains(e.name())) {
        String before = fs.read(f);
        String padded = "  " + before.strip() + " \n";
        try {
          fs.write(f, padded);
        } catch (CgroupException ex) {
          fail(f + " refused its own content with surrounding whitespace '" + padded + "': " + ex);
        }
        assertEquals(before, fs.read(f), f + " changed after writing back what it read, padded with whitespace");
        checked++;
      }
    }
    return checked;
  }

  /**
   * Every read-only file refuses to be opened for writing with {@code EACCES}, as the file view
   * promises, and reads the same afterwards.
   *
   * @return the number of read-only files
   */
  public static int readOnlyFilesRefuseWrites(CgroupFs fs, String folder) {
    int checked = 0;
    for (String f : files(fs, folder)) {
      FsEntry e = fs.stat(f);
      if (e.writable()) {
        continue;
      }
      String before = e.readable() ? fs.read(f) : null;
      CgroupException ex = expect(() -> fs.write(f, "0"), f + " is read-only (mode "
          + Integer.toOctalString(e.mode()) + ") but accepted a write");
      assertEquals(Errno.EACCES, ex.errno(), f + ": a write to a read-only file must fail with EACCES, got " + ex);
      if (before != null) {
        assertEquals(before, fs.read(f), f + " changed after a refused write");
      }
      checked++;
    }
    return checked;
  }

  /**
   * A garbage write to every writable file fails with EINVAL or ERANGE and changes nothing, except
   * for files documented to accept any value (e.g. {@code memory.peak}'s reset).
   *
   * @return the number of files written
   */
  public static int garbageIsRefused(CgroupFs fs, String folder, Set<String> acceptAnyValue) {
    int checked = 0;
    for (String f : files(fs, folder)) {
      FsEntry e = fs.stat(f);
      if (!e.writable() || acceptAnyValue.contains(e.name())) {
        continue;
      }
      String before = e.readable() ? fs.read(f) : null;
      CgroupException ex = expect(() -> fs.write(f, GARBAGE), f + " accepted '" + GARBAGE + "'");
      assertTrue(ex.errno() == Errno.EINVAL || ex.errno() == Errno.ERANGE,
          f + ": garbage must fail with EINVAL or ERANGE, got " + ex);
      if (before != null) {
        assertEquals(before, fs.read(f), f + " changed after a refused write");
      }
      checked++;
    }
    return checked;
  }

  /**
   * A write of more than 4096 bytes to every writable file fails with E2BIG and changes nothing.
   *
   * @return the number of files written
   */
  public static int longWritesAreE2big(CgroupFs fs, String folder) {
    String tooLong = "1".repeat(CgroupFs.MAX_WRITE_BYTES + 1);
    int checked = 0;
    for (String f : files(fs, folder)) {
      FsEntry e = fs.stat(f);
      if (!e.writable()) {
        continue;
      }
      String before = e.readable() ? fs.read(f) : null;
      CgroupException ex = expect(() -> fs.write(f, tooLong), f + " accepted a write of 4097 bytes");
      assertEquals(Errno.E2BIG, ex.errno(), f + ": " + ex);
      if (before != null) {
        assertEquals(before, fs.read(f), f + " changed after a refused write");
      }
      checked++;
    }
    return checked;
  }

  /**
   * Runs {@code r}, which must fail with a {@link CgroupException}.
   *
   * @return the exception
   * @throws AssertionError with {@code message} if {@code r} returned normally
   */
  public static CgroupException expect(Runnable r, String message) {
    try {
      r.run();
    } catch (CgroupException e) {
      return e;
    }
    return fail(message);
  }
}
