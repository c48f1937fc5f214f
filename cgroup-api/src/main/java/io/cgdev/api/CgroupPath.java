package io.cgdev.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The absolute path of a cgroup, e.g. {@code /tenant-a/job-1}; the root is {@code /}.
 *
 * <p>{@link #parse} normalises repeated and trailing slashes and rejects what can never name a
 * cgroup, as the kernel's cgroupfs does: with {@link Errno#EINVAL} a relative path, {@code .} or
 * {@code ..} segments, a name with a newline or a NUL; with {@link Errno#ENAMETOOLONG} a name longer
 * than {@link #MAX_NAME_BYTES}. Any other name is a valid cgroup name — also {@code cgroup.foo},
 * {@code devices} or {@code memory.max}: kernfs reserves no names, a name is refused only while an
 * entry of that name is in the folder ({@code EEXIST}, the file view's business, as is whether a
 * cgroup exists).
 */
@Stability(Stability.Status.STABLE)
public final class CgroupPath implements Comparable<CgroupPath> {
  /**
   * The most bytes (UTF-8) a cgroup name may have. kernfs has no limit of its own; a name must fit
   * in a path of {@code PATH_MAX} (4096) bytes with its NUL, so no longer name reaches the kernel.
   */
  public static final int MAX_NAME_BYTES = 4095;

  private static final CgroupPath ROOT = new CgroupPath(new String[0]);

  private final String[] names;

  private CgroupPath(String[] names) {
    this.names = names;
  }

  /** The root cgroup. */
  public static CgroupPath root() {
    return ROOT;
  }

  /**
   * Parses an absolute path.
   *
   * @throws CgroupException {@code EINVAL} or {@code ENAMETOOLONG} naming the path and the offending
   *     segment
   */
  public static CgroupPath parse(String path) {
    if (path == null || path.isEmpty() || path.charAt(0) != '/') {
      throw CgroupException.of(Errno.EINVAL, "invalid cgroup path '%s': must start with /", path);
    }
    List<String> names = new ArrayList<>();
    for (String segment : path.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      checkName(segment, path);
      names.add(segment);
    }
    return names.isEmpty() ? ROOT : new CgroupPath(names.toArray(String[]::new));
  }

  /**
   * Checks that {@code name} may name a cgroup.
   *
   * @throws CgroupException {@code EINVAL} or {@code ENAMETOOLONG} naming the offending name
   */
  public static void checkName(String name) {
    checkName(name, name);
  }

  private static void checkName(String name, String context) {
    String problem = problemWith(name);
    if (problem != null) {
      throw CgroupException.of(Errno.EINVAL, "invalid cgroup name '%s' in '%s': %s", name, context, problem);
    }
    if (name.length() > MAX_NAME_BYTES / 3 && name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw CgroupException.of(Errno.ENAMETOOLONG, "cgroup name of %d bytes in '%.40s...': longer than %d bytes",
          name.getBytes(StandardCharsets.UTF_8).length, context, MAX_NAME_BYTES);
    }
  }

  private static String problemWith(String name) {
    if (name.isEmpty()) {
      return "empty name";
    }
    if (name.equals(".") || name.equals("..")) {
      return "'.' and '..' are not cgroup names";
    }
    if (name.indexOf('/') >= 0 || name.indexOf('\n') >= 0 || name.indexOf('\0') >= 0) {
      // the kernel refuses '\n' so that /proc/<pid>/cgroup stays parseable; '/' and NUL end a name
      return "names may not contain '/', NUL or a newline";
    }
    return null;
  }

  /** True for {@code /}. */
  public boolean isRoot() {
    return names.length == 0;
  }

  /** Number of names below the root: 0 for the root, 1 for {@code /a}. */
  public int depth() {
    return names.length;
  }

  /** The last name, or the empty string for the root. */
  public String name() {
    return names.length == 0 ? "" : names[names.length - 1];
  }

  /** The names from the root down, e.g. {@code [a, b]} for {@code /a/b}. */
  public List<String> names() {
    return List.of(names);
  }

  /**
   * The parent path.
   *
   * @throws CgroupException {@code ENOENT} for the root, which has no parent
   */
  public CgroupPath parent() {
    if (isRoot()) {
      throw new CgroupException(Errno.ENOENT, "the root cgroup has no parent");
    }
    return new CgroupPath(Arrays.copyOf(names, names.length - 1));
  }

  /** This path with {@code name} appended; the name is checked as by {@link #parse}. */
  public CgroupPath child(String name) {
    checkName(name, this + "/" + name);
    String[] longer = Arrays.copyOf(names, names.length + 1);
    longer[names.length] = name;
    return new CgroupPath(longer);
  }

  /** True if this path equals {@code other} or lies below it. */
  public boolean startsWith(CgroupPath other) {
    if (other.names.length > names.length) {
      return false;
    }
    for (int i = 0; i < other.names.length; i++) {
      if (!names[i].equals(other.names[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CgroupPath p && Arrays.equals(names, p.names);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(names);
  }

  @Override
  public int compareTo(CgroupPath o) {
    return Arrays.compare(names, o.names);
  }

  @Override
  public String toString() {
    return names.length == 0 ? "/" : "/" + String.join("/", names);
  }
}
