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
import java.util.Set;

/**
 * The file-format and errno rules every interface file obeys (docs/TCK.md, docs/SEMANTICS.md §1),
 * as reusable checks over a folder of the file view.
 */
public final class FileRules {
  private static final String GARBAGE = "garbage!%";

  private FileRules() {}

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
   * Every readable and writable file accepts back what it reads, and then reads the same.
   *
   * @return the number of files written
   */
  public static int writableFilesRoundTrip(CgroupFs fs, String folder) {
    int checked = 0;
    for (String f : files(fs, folder)) {
      FsEntry e = fs.stat(f);
      if (e.readable() && e.writable()) {
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
   * changes nothing.
   *
   * @return the number of files written
   */
  public static int surroundingWhitespaceIsIgnored(CgroupFs fs, String folder) {
    int checked = 0;
    for (String f : files(fs, folder)) {
      FsEntry e = fs.stat(f);
      if (e.readable() && e.writable()) {
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
