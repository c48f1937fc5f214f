package io.cgdev.controller.cpuset;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import java.util.Locale;

/** The requested value of {@code cpuset.cpus.partition}, as the kernel's partition root states. */
enum Partition {
  MEMBER,
  ROOT,
  ISOLATED;

  private final String word = name().toLowerCase(Locale.ROOT);

  /** The word the file reads and accepts: the constant's name in lower case. */
  String word() {
    return word;
  }

  /**
   * Parses a written value.
   *
   * @throws CgroupException {@code EINVAL} for anything but {@code member}, {@code root}, {@code
   *     isolated}
   */
  static Partition parse(String path, String value) {
    for (Partition p : values()) {
      if (p.word.equals(value)) {
        return p;
      }
    }
    throw CgroupException.of(
        Errno.EINVAL, "%s: invalid partition '%s': expected member, root or isolated", path, value);
  }
}
