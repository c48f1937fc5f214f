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
  /** Mount folders are named so; one still mounted while no run holds the lock was left by a killed run. */
  static final String MOUNT_PREFIX = "cgdev-conformance-mount";

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
    Path dir = Files.createTempDirectory(temp, MOUNT_PREFIX);
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
    try {
      for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
        String[] f = line.split(" ");
        if (f.length > 2 && f[2].startsWith("fuse") && f[1].contains("/" + MOUNT_PREFIX)) {
          String dir = f[1].replace("\\040", " ");
          log.println("conformance: unmounting " + dir + ", left by an earlier run");
          new ProcessBuilder("fusermount3", "-u", "-z", dir).inheritIO().start().waitFor();
        }
      }
    } catch (IOException e) {
      log.println("conformance: could not check for stale mounts: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
