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
 * The file-format and errno rules every interface file obeys (docs/TCK.md, SEMANTICS.md section 1),
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

  /** Every readable file reads without error and its content ends in a newline. */
  public static void readableFilesEndWithNewline(CgroupFs fs, String folder) {
    List<String> files = files(fs, folder);
    assertTrue(!files.isEmpty(), "no files in " + folder);
    for (String f : files) {
      if (fs.stat(f).readable()) {
        String content = fs.read(f);
        assertTrue(content.endsWith("\n"), f + " must end with a newline, read: '" + content + "'");
      }
    }
  }

  /** Every readable and writable file accepts back what it reads, and then reads the same. */
  public static void writableFilesRoundTrip(CgroupFs fs, String folder) {
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
      }
    }
  }

  /**
   * A garbage write to every writable file fails with EINVAL or ERANGE and changes nothing, except
   * for files documented to accept any value (e.g. {@code memory.peak}'s reset).
   */
  public static void garbageIsRefused(CgroupFs fs, String folder, Set<String> acceptAnyValue) {
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
    }
  }

  /** A write of more than 4096 bytes to every writable file fails with E2BIG and changes nothing. */
  public static void longWritesAreE2big(CgroupFs fs, String folder) {
    String tooLong = "1".repeat(CgroupFs.MAX_WRITE_BYTES + 1);
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
    }
  }

  static CgroupException expect(Runnable r, String message) {
    try {
      r.run();
    } catch (CgroupException e) {
      return e;
    }
    return fail(message);
  }
}
