package io.cgdev.conformance;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One of the two file systems a sequence runs on — the host kernel's cgroup2 or the cgdev mount —
 * seen through the folder of the sequence's base cgroup. Steps reach it only through libc calls
 * ({@link Libc}); the side turns what they find into comparable outcomes: its processes' pids into
 * {@code p0, p1, ...}, and the entries only one side has out of listings and counts ({@link
 * #hiddenEntries}).
 */
abstract class Side {
  /** The core files cgdev models; of the kernel's other cgroup files, listings drop the ones in {@link HostSide}. */
  static final Set<String> MODELLED_CORE_FILES = Set.of("cgroup.procs", "cgroup.controllers", "cgroup.subtree_control",
      "cgroup.events", "cgroup.max.depth", "cgroup.max.descendants", "cgroup.stat", "cgroup.pressure");

  private volatile byte[] base;
  private final List<Integer> pids = new ArrayList<>();

  /** "kernel" or "cgdev". */
  abstract String name();

  /** The absolute folder of the current base cgroup on this side. */
  final String base() {
    return new String(base, StandardCharsets.ISO_8859_1);
  }

  final void base(String absolute) {
    this.base = absolute.getBytes(StandardCharsets.UTF_8);
  }

  /** The path bytes of {@code relative} (UTF-8 names) below the base; {@code ""} is the base. */
  final byte[] path(String relative) {
    byte[] rel = relative.getBytes(StandardCharsets.UTF_8);
    if (rel.length == 0) {
      return base.clone();
    }
    byte[] out = new byte[base.length + 1 + rel.length];
    System.arraycopy(base, 0, out, 0, base.length);
    out[base.length] = '/';
    System.arraycopy(rel, 0, out, base.length + 1, rel.length);
    return out;
  }

  /** The pid of this side's process number {@code i} (a helper process, or a modelled task). */
  final int pid(int i) {
    return pids.get(i);
  }

  final int processes() {
    return pids.size();
  }

  final void addProcess(int pid) {
    pids.add(pid);
  }

  /** {@code cgroup.procs} content with this side's pids as {@code p<i>} tokens, sorted: the kernel lists them in no fixed order. */
  final String procsTokens(String content) {
    List<String> tokens = new ArrayList<>();
    for (String line : content.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      int i = -1;
      try {
        i = pids.indexOf(Integer.parseInt(line));
      } catch (NumberFormatException e) {
        // a line that is not a pid is compared as it is
      }
      tokens.add(i >= 0 ? "p" + i : line);
    }
    tokens.sort(null);
    return String.join(" ", tokens);
  }

  /**
   * Names a listing of a cgroup folder leaves out: entries only this side has, which the harness
   * does not compare (the kernel's unmodelled files; cgdev's per-device folder of the mirrored
   * controller). The generator never makes cgroups with these names.
   */
  abstract Set<String> hiddenEntries();

  /**
   * How many sub-folders of {@code folder} only this side counts in a link count (cgdev's
   * {@code hugetlb.devices}); 0 on the kernel.
   */
  abstract int extraSubfolders(byte[] folder);
}
