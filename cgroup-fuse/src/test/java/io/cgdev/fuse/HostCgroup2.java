package io.cgdev.fuse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The host kernel's cgroup2, the reference the mount is compared with. Tests make their own child
 * cgroups there, named {@code cgdev-fuse-probe-<pid>-...}, and remove them on every way out; a run
 * killed before that leaves cgroups whose pid is gone, which the next run removes. Nothing else of
 * the host's hierarchy is touched.
 */
final class HostCgroup2 {
  static final String PREFIX = "cgdev-fuse-probe-";

  private HostCgroup2() {}

  /** Where the host's cgroup2 is mounted, if it is and this process may make cgroups there. */
  static Optional<Path> find() {
    List<String> mounts;
    try {
      mounts = Files.readAllLines(Path.of("/proc/self/mounts"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Optional.empty();
    }
    return mounts.stream().map(line -> line.split(" "))
        .filter(f -> f.length > 2 && f[2].equals("cgroup2"))
        .map(f -> Path.of(f[1]))
        .filter(Files::isWritable)
        .findFirst();
  }

  /** Why there is no host cgroup2 to compare with: for a skip line. */
  static String missingReason() {
    return "no writable cgroup2 hierarchy on this host (/proc/self/mounts has no cgroup2 this user may change)";
  }

  /** Makes a fresh child cgroup of {@code root} for this test; removes stale ones of dead test runs first. */
  static Path makeProbe(Path root, String what) throws IOException {
    removeStale(root);
    Path probe = root.resolve(PREFIX + ProcessHandle.current().pid() + "-" + what);
    removeTree(probe);
    Files.createDirectory(probe);
    return probe;
  }

  /** Removes a cgroup made by a test and every cgroup below it, children first; quiet if missing. */
  static void removeTree(Path cgroup) {
    if (!Files.isDirectory(cgroup)) {
      return;
    }
    try (Stream<Path> all = Files.walk(cgroup)) {
      List<Path> dirs = all.filter(Files::isDirectory).sorted(Comparator.comparingInt(Path::getNameCount).reversed())
          .toList();
      for (Path dir : dirs) {
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      System.err.println("could not remove host cgroup " + cgroup + ": " + e);
    }
  }

  private static void removeStale(Path root) throws IOException {
    try (Stream<Path> children = Files.list(root)) {
      for (Path child : children.filter(p -> p.getFileName().toString().startsWith(PREFIX)).toList()) {
        String rest = child.getFileName().toString().substring(PREFIX.length());
        String pid = rest.contains("-") ? rest.substring(0, rest.indexOf('-')) : rest;
        boolean alive = pid.chars().allMatch(Character::isDigit) && !pid.isEmpty()
            && ProcessHandle.of(Long.parseLong(pid)).isPresent();
        if (!alive) {
          removeTree(child);
        }
      }
    }
  }
}
