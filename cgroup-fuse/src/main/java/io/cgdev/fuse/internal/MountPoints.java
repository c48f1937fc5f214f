package io.cgdev.fuse.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;

/** Checks a mount point before mounting: it exists, is a folder, is empty, and is not mounted. */
public final class MountPoints {
  private static final String NOT_CONNECTED = "Transport endpoint is not connected";

  private MountPoints() {}

  /**
   * @throws FuseException naming the problem and, for a stale or live mount, the command that
   *     clears it
   */
  public static void check(Path dir) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(dir, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new FuseException("mount point " + dir + " does not exist: mkdir -p " + dir);
    } catch (FileSystemException e) {
      if (String.valueOf(e.getReason()).contains(NOT_CONNECTED) || String.valueOf(e.getMessage()).contains(NOT_CONNECTED)) {
        throw new FuseException("stale FUSE mount at " + dir + " (" + NOT_CONNECTED
            + ": the daemon that served it died); clear it with: fusermount3 -u " + dir, e);
      }
      throw new FuseException("cannot use " + dir + " as a mount point: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new FuseException("cannot use " + dir + " as a mount point: " + e.getMessage(), e);
    }
    if (!attributes.isDirectory()) {
      throw new FuseException("mount point " + dir + " is not a folder");
    }
    if (isMountPoint(dir)) {
      throw new FuseException("something is already mounted at " + dir + "; unmount it first: fusermount3 -u " + dir);
    }
    try (Stream<Path> entries = Files.list(dir)) {
      if (entries.findAny().isPresent()) {
        throw new FuseException("mount point " + dir + " is not empty");
      }
    } catch (IOException e) {
      throw new FuseException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code dir} is a mount point now, per {@code /proc/self/mountinfo}. */
  public static boolean isMountPoint(Path dir) {
    String wanted;
    try {
      wanted = dir.toRealPath().toString();
    } catch (IOException e) {
      wanted = dir.toAbsolutePath().normalize().toString();
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return false;
    }
    for (String line : lines) {
      String[] fields = line.split(" ");
      if (fields.length > 4 && unescape(fields[4]).equals(wanted)) {
        return true;
      }
    }
    return false;
  }

  /** mountinfo escapes space, tab, newline and backslash as octal {@code \ooo}. */
  private static String unescape(String field) {
    if (field.indexOf('\\') < 0) {
      return field;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length()) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
