package io.cgdev.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finding the host's cgroup2 and deciding whether the harness can run on it. The harness needs:
 * x86-64 Linux, a cgroup2 mount in {@code /proc/mounts}, root (to create cgroups there and move
 * processes), the mirrored controller ({@value #CONTROLLER}) in the root's {@code
 * cgroup.controllers}, and no other controller enabled in the root's {@code
 * cgroup.subtree_control} (a child would show it, and cgdev has no mirror of it).
 */
final class HostCgroup2 {
  /** The host controller cgdev mirrors (MirrorController): the one the hosts of this project can enable in cgroup2. */
  static final String CONTROLLER = "hugetlb";

  private HostCgroup2() {}

  /** Where cgroup2 is mounted, from /proc/mounts. */
  static Optional<Path> mountPoint() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/mounts"), StandardCharsets.ISO_8859_1)) {
        String[] f = line.split(" ");
        if (f.length > 2 && f[2].equals("cgroup2")) {
          return Optional.of(Path.of(f[1].replace("\\040", " ")));
        }
      }
    } catch (IOException e) {
      // no /proc: not Linux
    }
    return Optional.empty();
  }

  /** Why the harness cannot use this host, or empty if it can (then {@code root} is its cgroup2). */
  static Optional<String> unusableReason(Path[] root) {
    String libc = Libc.unavailableReason();
    if (libc != null) {
      return Optional.of(libc);
    }
    Optional<Path> mount = mountPoint();
    if (mount.isEmpty()) {
      return Optional.of("no cgroup2 file system is mounted (none in /proc/mounts)");
    }
    Path r = mount.get();
    if (Libc.geteuid() != 0) {
      return Optional.of("not root: creating cgroups in " + r + " needs root");
    }
    if (!Files.isWritable(r)) {
      return Optional.of(r + " is not writable (mounted read-only?)");
    }
    try {
      List<String> offered = List.of(read(r.resolve("cgroup.controllers")).strip().split(" "));
      if (!offered.contains(CONTROLLER)) {
        return Optional.of(r + " offers no " + CONTROLLER + " controller (cgroup.controllers: " + offered + ")");
      }
      for (String enabled : read(r.resolve("cgroup.subtree_control")).strip().split(" ")) {
        if (!enabled.isEmpty() && !enabled.equals(CONTROLLER)) {
          return Optional.of(r + " enables " + enabled + " for its children; the harness mirrors only " + CONTROLLER);
        }
      }
    } catch (IOException e) {
      return Optional.of("cannot read " + r + ": " + e.getMessage());
    }
    root[0] = r;
    return Optional.empty();
  }

  static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.ISO_8859_1);
  }

  /** One write of {@code value}; the errno's name in the exception if the kernel refuses. */
  static void write(Path file, String value) throws IOException {
    Libc.Result fd = Libc.open(file.toString().getBytes(StandardCharsets.UTF_8), Libc.O_WRONLY);
    if (!fd.ok()) {
      throw new IOException("open " + file + ": " + fd.error());
    }
    try {
      Libc.Result r = Libc.write((int) fd.value(), value.getBytes(StandardCharsets.ISO_8859_1));
      if (!r.ok()) {
        throw new IOException("write '" + value + "' to " + file + ": " + r.error());
      }
    } finally {
      Libc.close((int) fd.value());
    }
  }
}
