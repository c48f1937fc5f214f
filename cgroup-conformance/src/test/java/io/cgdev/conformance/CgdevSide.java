package io.cgdev.conformance;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.FsEntry;
import io.cgdev.api.Task;
import io.cgdev.controller.cpu.CpuController;
import io.cgdev.controller.cpuset.CpusetController;
import io.cgdev.controller.memory.MemoryController;
import io.cgdev.core.Cgroups;
import io.cgdev.fuse.CgroupMount;
import io.cgdev.fuse.MountOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The cgdev side: a core booted with cgdev's controllers named like kernel subsystems (memory, cpu,
 * cpuset: so {@code +memory} is {@code ENOENT} on both sides) and a {@link MirrorController} of the
 * host's hugetlb, mounted with FUSE; the root enables the mirror, as the host's root does, so that
 * each base (a child of the root on both sides) offers exactly {@code hugetlb}.
 *
 * <p>Processes are modelled tasks, one per host helper process, moved between bases through the
 * API (set-up is not compared); steps move them by writing their pids to {@code cgroup.procs}
 * through the mount, as the host's helpers are moved.
 */
final class CgdevSide extends Side implements AutoCloseable {
  private static final String HIDDEN = HostCgroup2.CONTROLLER + ".devices";
  /**
   * Mount folders are named so, followed by {@code -<pid>-} of the JVM serving them; one still mounted
   * while no run holds the lock was left by a killed run.
   */
  static final String MOUNT_PREFIX = "cgdev-conformance-mount";
  private static final Path FUSE_CONNECTIONS = Path.of("/sys/fs/fuse/connections");

  private final Cgroups cgroups;
  private final CgroupMount mount;
  private final Path dir;
  private String current;

  private CgdevSide(Cgroups cgroups, CgroupMount mount, Path dir) {
    this.cgroups = cgroups;
    this.mount = mount;
    this.dir = dir;
  }

  /**
   * Boots and mounts at a new folder under {@code temp}, with {@code processes} tasks.
   *
   * @param wrap a test hook: wraps the file view before it is mounted (a fault injected on purpose)
   * @throws io.cgdev.fuse.MountException if FUSE is not available, naming why
   */
  static CgdevSide open(Path temp, Map<String, Integer> mirrorFiles, int processes, UnaryOperator<CgroupFs> wrap)
      throws IOException {
    Cgroups cg = Cgroups.builder().discover(false).controller(new MemoryController()).controller(new CpuController())
        .controller(new CpusetController()).controller(new MirrorController(HostCgroup2.CONTROLLER, mirrorFiles)).build();
    Path dir = Files.createTempDirectory(temp, MOUNT_PREFIX + "-" + ProcessHandle.current().pid() + "-");
    CgroupMount mount;
    try {
      cg.fs().write("/cgroup.subtree_control", "+" + HostCgroup2.CONTROLLER);
      // several FUSE threads, as `cgdev mount` serves: releases that arrive after an rmdir are part of the test
      mount = CgroupMount.mount(wrap.apply(cg.fs()), dir, MountOptions.defaults());
    } catch (RuntimeException e) {
      cg.close();
      throw e;
    }
    CgdevSide side = new CgdevSide(cg, mount, dir);
    for (int i = 0; i < processes; i++) {
      Task t = cg.tasks().spawn("p" + i, CgroupPath.root());
      side.addProcess(t.pid());
    }
    return side;
  }

  @Override
  String name() {
    return "cgdev";
  }

  /** Where the mount is. */
  Path mountPoint() {
    return dir;
  }

  /** Makes the base {@code name} (the host's base's name), moves the tasks into it, removes the previous base. */
  void newBase(String name) {
    CgroupFs fs = cgroups.fs();
    fs.mkdir("/" + name);
    for (int i = 0; i < processes(); i++) {
      cgroups.tasks().move(pid(i), CgroupPath.root().child(name));
    }
    String previous = current;
    current = name;
    base(dir.resolve(name).toString());
    if (previous != null) {
      removeTree(fs, "/" + previous);
    }
  }

  private static void removeTree(CgroupFs fs, String path) {
    for (FsEntry e : fs.list(path)) {
      if (e.isDirectory() && isChildCgroup(fs, path, e.name())) {
        removeTree(fs, path + "/" + e.name());
      }
    }
    fs.rmdir(path);
  }

  /** A child folder named like a per-device folder is a cgroup if it has cgroup.procs. */
  private static boolean isChildCgroup(CgroupFs fs, String path, String name) {
    try {
      fs.stat(path + "/" + name + "/cgroup.procs");
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  Set<String> hiddenEntries() {
    return Set.of(HIDDEN);
  }

  @Override
  int extraSubfolders(byte[] folder) {
    return Libc.stat(HostSide.join(folder, HIDDEN.getBytes())) instanceof Libc.StatInfo info && info.isDirectory() ? 1 : 0;
  }

  /**
   * Unmounts what a killed run left mounted (its JVM, which served the mount, is gone, so the mount
   * answers ENOTCONN). Call with the host's lock held: then no live run owns such a mount.
   */
  static void removeStaleMounts(java.io.PrintStream log) {
    abortOrphanedMounts(log);
    for (StaleMount m : ourMounts(log)) {
      log.println("conformance: unmounting " + m.dir() + ", left by an earlier run");
      run(log, "fusermount3", "-u", "-z", m.dir());
    }
  }

  /**
   * Aborts the FUSE connection of every conformance mount whose serving JVM is dead or a zombie.
   * Such a JVM was killed while one of its own threads waited on its own mount (the harness reads
   * the mount from the JVM that serves it): that thread sleeps in the kernel until the connection is
   * aborted, so the JVM never finishes dying, keeps the run lock and hangs whoever stats the mount.
   * Aborting through fusectl (mounted here for the moment if it is not) ends the wait. Safe without
   * the lock: it touches only mounts of dead JVMs.
   */
  static void abortOrphanedMounts(java.io.PrintStream log) {
    List<StaleMount> orphans = ourMounts(log).stream().filter(m -> !alive(m.pid())).toList();
    if (orphans.isEmpty()) {
      return;
    }
    boolean mountedHere = false;
    try {
      if (!Files.exists(FUSE_CONNECTIONS.resolve(Integer.toString(orphans.getFirst().connection())))) {
        mountedHere = run(log, "mount", "-t", "fusectl", "none", FUSE_CONNECTIONS.toString());
      }
      for (StaleMount m : orphans) {
        log.println("conformance: aborting the FUSE connection of " + m.dir() + " (its JVM " + m.pid() + " is gone)");
        Files.writeString(FUSE_CONNECTIONS.resolve(m.connection() + "/abort"), "1");
      }
    } catch (IOException e) {
      log.println("conformance: could not abort stale FUSE connections: " + e.getMessage());
    } finally {
      if (mountedHere) {
        run(log, "umount", FUSE_CONNECTIONS.toString());
      }
    }
  }

  /** A conformance mount: its folder, the pid of the JVM that serves it, its FUSE connection number. */
  private record StaleMount(String dir, long pid, int connection) {}

  /** The conformance mounts in /proc/self/mountinfo (major 0, minor = the FUSE connection). */
  private static List<StaleMount> ourMounts(java.io.PrintStream log) {
    List<StaleMount> out = new java.util.ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        // id parent major:minor root mountpoint options ... - fstype source superoptions
        String[] f = line.split(" ");
        int dash = java.util.Arrays.asList(f).indexOf("-");
        if (f.length < 5 || dash < 0 || dash + 1 >= f.length || !f[dash + 1].startsWith("fuse")) {
          continue;
        }
        String dir = f[4].replace("\\040", " ");
        String name = Path.of(dir).getFileName().toString();
        if (!name.startsWith(MOUNT_PREFIX + "-")) {
          continue;
        }
        String[] parts = name.substring(MOUNT_PREFIX.length() + 1).split("-");
        long pid = parts.length > 1 && parts[0].chars().allMatch(Character::isDigit) ? Long.parseLong(parts[0]) : -1;
        out.add(new StaleMount(dir, pid, Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1))));
      }
    } catch (IOException | RuntimeException e) {
      log.println("conformance: could not check for stale mounts: " + e.getMessage());
    }
    return out;
  }

  /** True if {@code pid} runs and is not a zombie (-1, a mount of an older naming, counts as gone). */
  private static boolean alive(long pid) {
    if (pid < 0) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean run(java.io.PrintStream log, String... command) {
    try {
      return new ProcessBuilder(command).inheritIO().start().waitFor() == 0;
    } catch (IOException e) {
      log.println("conformance: " + command[0] + ": " + e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    try {
      mount.close();
    } finally {
      cgroups.close();
      try {
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        // the temporary folder goes with its parent
      }
    }
  }
}
