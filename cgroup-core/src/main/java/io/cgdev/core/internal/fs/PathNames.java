package io.cgdev.core.internal.fs;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The path grammar of the file view: an absolute path is split into its names (empty names from
 * repeated or trailing slashes are dropped) and a list of names is written back as a path.
 */
final class PathNames {
  /** The kernel's PATH_MAX: a path with its NUL must fit. */
  static final int PATH_MAX = 4096;

  private PathNames() {}

  /**
   * Splits an absolute path into names.
   *
   * @throws CgroupException {@code EINVAL} for a path that is not absolute, {@code ENAMETOOLONG} for
   *     one of {@code PATH_MAX} (4096) bytes or more, as the kernel's getname says, {@code ENOENT} for
   *     a {@code .} or {@code ..} name
   */
  static List<String> names(String path) {
    if (path == null || path.isEmpty() || path.charAt(0) != '/') {
      throw CgroupException.of(Errno.EINVAL, "invalid path '%s': must be absolute", path);
    }
    if (path.length() >= PATH_MAX / 3 && path.getBytes(StandardCharsets.UTF_8).length >= PATH_MAX) {
      throw CgroupException.of(Errno.ENAMETOOLONG, "path of %d bytes starting '%.40s': a path has fewer than %d",
          path.getBytes(StandardCharsets.UTF_8).length, path, PATH_MAX);
    }
    List<String> out = new ArrayList<>();
    int i = 1;
    int n = path.length();
    while (i < n) {
      int j = path.indexOf('/', i);
      if (j < 0) {
        j = n;
      }
      if (j > i) {
        String name = path.substring(i, j);
        if (name.equals(".") || name.equals("..")) {
          throw CgroupException.of(Errno.ENOENT, "path '%s': '.' and '..' are not supported", path);
        }
        out.add(name);
      }
      i = j + 1;
    }
    return out;
  }

  /** The path of a list of names: {@code /} for none. */
  static String normalise(List<String> names) {
    return names.isEmpty() ? "/" : "/" + String.join("/", names);
  }
}
