package io.cgdev.conformance;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The host kernel's side: child cgroups of the host's cgroup2 root named {@link #PREFIX}{@code
 * <jvm pid>-<n>}, one per sequence, with helper processes ({@code sleep}) that hop from base to
 * base.
 *
 * <p>It touches nothing it did not create: its own cgroups (recognisable by the prefix), the
 * root's {@code cgroup.subtree_control} only to enable the mirrored controller if it was off (and
 * back on {@link #close}), and its own processes. Runs on several JVMs at once are serialised by an
 * exclusive lock on {@value #LOCK_FILE}, which dies with its holder; so a run that finds a
 * cgroup with the prefix holding the lock knows it is a leftover of a killed run, and removes it
 * (killing the processes in it through {@code cgroup.kill}).
 */
final class HostSide extends Side implements AutoCloseable {
  static final String PREFIX = "cgdev-conformance-";
  static final String LOCK_FILE = "/tmp/cgdev-conformance.lock";
  /**
   * Says that a run enabled the controller at the root and owes disabling it: written before the
   * enable, deleted after the disable, so a run after a killed one pays the debt.
   */
  static final String RESTORE_FILE = "/tmp/cgdev-conformance.restore";
  /** The kernel's cgroup files cgdev does not model (docs/ARCHITECTURE.md §7): left out of listings, never used as names. */
  static final Set<String> UNMODELLED = Set.of("cgroup.stat.local", "cpu.stat", "cpu.stat.local",
      "cpu.pressure", "io.pressure", "memory.pressure", "irq.pressure");

  private final Path root;
  private final String controller;
  private final PrintStream log;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final boolean enabledAtRoot;
  private final List<Process> helpers = new ArrayList<>();
  private final Map<String, Integer> controllerFiles;
  private String current;
  private int bases;

  private HostSide(Path root, String controller, PrintStream log, FileChannel lockChannel, FileLock lock, boolean enabledAtRoot,
      Map<String, Integer> controllerFiles) {
    this.root = root;
    this.controller = controller;
    this.log = log;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.enabledAtRoot = enabledAtRoot;
    this.controllerFiles = controllerFiles;
  }

  /**
   * Takes the lock, removes leftovers of killed runs, enables {@code controller} at the root if it
   * is off, and finds the controller's files in a child cgroup. Call {@link HostCgroup2#check}
   * first.
   */
  static HostSide open(Path root, String controller, int processes, PrintStream log) throws IOException, InterruptedException {
    CgdevSide.abortOrphanedMounts(log); // a killed run's JVM may hold the lock until its mount is aborted
    FileChannel channel = FileChannel.open(Path.of(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = null;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (lock == null) {
      lock = channel.tryLock();
      if (lock == null) {
        if (System.nanoTime() > deadline) {
          channel.close();
          throw new IOException("another conformance run holds " + LOCK_FILE + " for more than 3 minutes");
        }
        Thread.sleep(200);
      }
    }
    HostSide side = null;
    try {
      removeLeftovers(root, log);
      CgdevSide.removeStaleMounts(log);
      String rootControl = HostCgroup2.read(root.resolve("cgroup.subtree_control")).strip();
      Path restore = Path.of(RESTORE_FILE);
      boolean enable = !List.of(rootControl.split(" ")).contains(controller) || Files.exists(restore);
      if (enable) {
        Files.writeString(restore, "-" + controller + " " + root + "\n");
        HostCgroup2.write(root.resolve("cgroup.subtree_control"), "+" + controller);
      }
      Path probe = root.resolve(PREFIX + ProcessHandle.current().pid() + "-files");
      Files.createDirectory(probe);
      Map<String, Integer> files = new LinkedHashMap<>();
      try (var entries = Files.list(probe)) {
        for (Path p : entries.sorted().toList()) {
          String n = p.getFileName().toString();
          if (n.startsWith(controller + ".")) {
            files.put(n.substring(controller.length() + 1), mode(p));
          }
        }
      }
      Files.delete(probe);
      side = new HostSide(root, controller, log, channel, lock, enable, files);
      side.startHelpers(processes);
      return side;
    } catch (IOException | RuntimeException e) {
      if (side != null) {
        side.close();
      } else {
        channel.close();
      }
      throw e;
    }
  }

  /**
   * Starts the helper processes in a cgroup of this run's own, which they enter themselves before
   * they become {@code sleep}: so a run killed at any point leaves them where the next run finds
   * and kills them ({@link #removeLeftovers}), never in a cgroup it did not create.
   */
  private void startHelpers(int processes) throws IOException {
    String holding = nextBaseName();
    Path dir = root.resolve(holding);
    Files.createDirectory(dir);
    current = holding;
    base(dir.toString());
    for (int i = 0; i < processes; i++) {
      Process p = new ProcessBuilder("sh", "-c", "echo $$ > \"$0\" && exec sleep 3600", dir.resolve("cgroup.procs").toString())
          .redirectErrorStream(true).start();
      helpers.add(p);
      addProcess((int) p.pid());
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (HostCgroup2.read(dir.resolve("cgroup.procs")).lines().count() < processes) {
      if (System.nanoTime() > deadline) {
        throw new IOException("the helper processes did not enter " + dir);
      }
      sleep();
    }
  }

  private static int mode(Path p) throws IOException {
    int mode = 0;
    for (var perm : Files.getPosixFilePermissions(p)) {
      mode |= 1 << (8 - perm.ordinal());
    }
    return mode;
  }

  @Override
  String name() {
    return "kernel";
  }

  /** The mirrored controller's file names (without its prefix) and modes, as a child cgroup has them. */
  Map<String, Integer> controllerFiles() {
    return controllerFiles;
  }

  /** The base's name for the next sequence. */
  String nextBaseName() {
    return PREFIX + ProcessHandle.current().pid() + "-" + (++bases);
  }

  /** Makes the base {@code name}, moves the helper processes into it, and removes the previous base. */
  void newBase(String name) throws IOException {
    Path next = root.resolve(name);
    Files.createDirectory(next);
    for (Process p : helpers) {
      HostCgroup2.write(next.resolve("cgroup.procs"), Long.toString(p.pid()));
    }
    String previous = current;
    current = name;
    base(next.toString());
    if (previous != null) {
      removeTree(root.resolve(previous));
    }
  }

  @Override
  Set<String> hiddenEntries() {
    return UNMODELLED;
  }

  @Override
  int extraSubfolders(byte[] folder) {
    return 0;
  }

  /**
   * Kills the helpers, removes this run's cgroups and restores the root's {@code
   * cgroup.subtree_control}; then releases the lock. Safe to call twice; reports but survives
   * every failure, so that the rest is still cleaned.
   */
  @Override
  public void close() {
    for (Process p : helpers) {
      p.destroyForcibly();
    }
    for (Process p : helpers) {
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    helpers.clear();
    try {
      removeOwn(root, log);
    } catch (IOException | RuntimeException e) {
      log.println("conformance: cleaning " + root + " failed (the next run removes what is left): " + e);
    }
    if (enabledAtRoot) {
      try {
        HostCgroup2.write(root.resolve("cgroup.subtree_control"), "-" + controller);
        Files.deleteIfExists(Path.of(RESTORE_FILE));
      } catch (IOException | RuntimeException e) {
        // EBUSY: a cgroup of someone else enables it now, so it stays on
        log.println("conformance: left +" + controller + " in " + root.resolve("cgroup.subtree_control") + ": " + e.getMessage());
      }
    }
    try {
      if (lock.isValid()) {
        lock.release();
      }
      lockChannel.close();
    } catch (IOException | RuntimeException e) {
      log.println("conformance: releasing " + LOCK_FILE + " failed: " + e.getMessage());
    }
  }

  /** Removes this JVM's cgroups (all of them, also bases of earlier sequences). */
  private static void removeOwn(Path root, PrintStream log) throws IOException {
    String own = PREFIX + ProcessHandle.current().pid() + "-";
    try (var entries = Files.list(root)) {
      for (Path p : entries.toList()) {
        if (p.getFileName().toString().startsWith(own) && Files.isDirectory(p)) {
          removeTree(p);
        }
      }
    }
  }

  /** Removes the cgroups a killed run left: any with the prefix, since the lock says no run is live. */
  static void removeLeftovers(Path root, PrintStream log) throws IOException {
    try (var entries = Files.list(root)) {
      for (Path p : entries.toList()) {
        if (p.getFileName().toString().startsWith(PREFIX) && Files.isDirectory(p)) {
          log.println("conformance: removing " + p + ", left by an earlier run");
          removeTree(p);
        }
      }
    }
  }

  /** Kills what runs in the subtree ({@code cgroup.kill}), waits until it is empty, removes it children first. */
  static void removeTree(Path top) throws IOException {
    Path kill = top.resolve("cgroup.kill");
    if (!HostCgroup2.read(top.resolve("cgroup.procs")).isEmpty() || populated(top)) {
      if (Files.exists(kill)) {
        HostCgroup2.write(kill, "1");
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (populated(top) && System.nanoTime() < deadline) {
        sleep();
      }
    }
    removeChildrenFirst(top);
  }

  private static boolean populated(Path cgroup) throws IOException {
    Path events = cgroup.resolve("cgroup.events");
    return Files.exists(events) && HostCgroup2.read(events).contains("populated 1");
  }

  private static void removeChildrenFirst(Path dir) throws IOException {
    byte[] bytes = dir.toString().getBytes(StandardCharsets.UTF_8);
    if (Libc.stat(bytes) instanceof Libc.Result) {
      return; // already gone
    }
    removeChildrenFirst(bytes);
  }

  /** Removes a folder and the cgroups below it; by bytes, since a child's name may not be UTF-8. */
  private static void removeChildrenFirst(byte[] dir) throws IOException {
    Object listing = Libc.list(dir);
    if (listing instanceof Libc.Result r) {
      throw new IOException("listing " + new String(dir, StandardCharsets.UTF_8) + ": " + r.error());
    }
    @SuppressWarnings("unchecked")
    List<byte[]> names = (List<byte[]>) listing;
    for (byte[] name : names) {
      byte[] child = join(dir, name);
      if (Libc.stat(child) instanceof Libc.StatInfo info && info.isDirectory()) {
        removeChildrenFirst(child);
      }
    }
    rmdirPatiently(dir);
  }

  /** rmdir, retrying EBUSY briefly: a killed process leaves its cgroup a moment after cgroup.events says so. */
  private static void rmdirPatiently(byte[] dir) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      Libc.Result r = Libc.rmdir(dir);
      if (r.ok() || r.error().equals("ENOENT")) {
        return;
      }
      if (!r.error().equals("EBUSY") || System.nanoTime() > deadline) {
        throw new IOException("rmdir " + new String(dir, StandardCharsets.UTF_8) + ": " + r.error());
      }
      sleep();
    }
  }

  static byte[] join(byte[] dir, byte[] name) {
    byte[] out = new byte[dir.length + 1 + name.length];
    System.arraycopy(dir, 0, out, 0, dir.length);
    out[dir.length] = '/';
    System.arraycopy(name, 0, out, dir.length + 1, name.length);
    return out;
  }

  private static void sleep() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
