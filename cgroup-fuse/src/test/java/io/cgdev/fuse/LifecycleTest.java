package io.cgdev.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.fuse.client.Libc;
import io.cgdev.fuse.internal.MountPoints;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon in its own JVM ({@link FakeMountMain}): SIGTERM unmounts it at once even while a client
 * holds a file open, printing one line; an unmount from outside ends it cleanly; SIGKILL leaves a
 * stale mount that the next mount reports.
 */
class LifecycleTest {
  /** Upper bound of every wait: a failure, never a measurement. */
  private static final long WAIT_SECONDS = 20;
  /**
   * The bound for a daemon to exit after SIGTERM while a client holds a file open. It exits in
   * about 0.1 s (see docs/FUSE.md); the bound leaves room for a loaded machine, and is far from
   * the 11 s the daemon took before it woke libfuse's loop itself.
   */
  private static final long SIGTERM_EXIT_BOUND_MILLIS = 3000;

  @TempDir Path temp;
  private Path dir;
  private Process daemon;
  private Path daemonOut;
  private Path daemonErr;

  @BeforeEach
  void setUp() {
    FuseTesting.requireFuse();
    dir = FuseTesting.mountPoint(temp);
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (daemon != null && daemon.isAlive()) {
      daemon.destroyForcibly().waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
    }
    if (dir != null && MountPoints.isMountPoint(dir)) {
      Shell.run(Path.of("/"), List.of("fusermount3", "-u", "-z", dir.toString()));
    }
  }

  private void startDaemon() throws Exception {
    Set<String> cp = new LinkedHashSet<>();
    for (String property : List.of("jdk.module.path", "java.class.path")) {
      for (String entry : System.getProperty(property, "").split(File.pathSeparator)) {
        if (entry.isEmpty()) {
          continue;
        }
        cp.add(entry);
        if (entry.endsWith(File.separator + "classes") && entry.contains("cgroup-fuse")) {
          cp.add(Path.of(entry).resolveSibling("test-classes").toString());
        }
      }
    }
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", String.join(File.pathSeparator, cp),
        FakeMountMain.class.getName(), dir.toString()));
    daemonOut = temp.resolve("daemon.out");
    daemonErr = temp.resolve("daemon.err");
    daemon = new ProcessBuilder(command).redirectOutput(daemonOut.toFile()).redirectError(daemonErr.toFile()).start();
    for (int i = 0; i < WAIT_SECONDS * 20 && daemon.isAlive() && !Files.readString(daemonOut).contains("mounted at"); i++) {
      Thread.sleep(50);
    }
    assertThat(Files.readString(daemonOut)).as("the daemon reports its mount (stderr: %s)", Files.readString(daemonErr))
        .startsWith("cgdev: mounted at " + dir);
    assertThat(Shell.bash(dir, "cat cgroup.controllers").outLine()).isEqualTo("memory");
  }

  private List<String> linesAfterMount() throws Exception {
    List<String> lines = Files.readAllLines(daemonOut);
    return lines.subList(1, lines.size());
  }

  @Test
  void sigtermWithAClientHoldingAFileExitsAtOnceWithOneLine() throws Exception {
    startDaemon();
    Libc.Outcome held = Libc.open(dir.resolve("memory.stat").toString(), Libc.O_RDONLY);
    assertThat(held.ok()).as("open: %s", held).isTrue();
    try {
      assertThat(Libc.read(held.result(), 5).toString()).isEqualTo("ok:key0 ");
      long start = System.nanoTime();
      daemon.destroy(); // SIGTERM: the shutdown hook unmounts
      assertThat(daemon.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("daemon exits after SIGTERM").isTrue();
      long millis = (System.nanoTime() - start) / 1_000_000;
      System.out.println("SIGTERM with an open descriptor: the daemon exited after " + millis + " ms");
      assertThat(millis).as("exit after SIGTERM with an open descriptor, ms").isLessThan(SIGTERM_EXIT_BOUND_MILLIS);
      assertThat(daemon.exitValue()).as("128 + SIGTERM").isEqualTo(143);
      assertThat(linesAfterMount()).containsExactly("cgdev: unmounted " + dir);
      assertThat(Files.readString(daemonErr)).as("nothing on stderr, no stack trace").isEmpty();
      assertThat(MountPoints.isMountPoint(dir)).as("no mount left behind").isFalse();
      assertThat(Libc.read(held.result(), 5).kind()).as("the held descriptor after the daemon left")
          .isIn("ENOTCONN", "ECONNABORTED", "ENODEV");
    } finally {
      // the descriptor goes whatever close says; with the daemon gone its flush fails ENOTCONN
      assertThat(Libc.close(held.result()).kind()).isIn("ok", "ENOTCONN");
    }
  }

  @Test
  void anUnmountFromOutsideEndsTheDaemonCleanly() throws Exception {
    startDaemon();
    Shell.Result unmounted = Shell.run(Path.of("/"), List.of("fusermount3", "-u", dir.toString()));
    assertThat(unmounted.exit()).as(unmounted.err()).isZero();
    assertThat(daemon.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("daemon exits after fusermount3 -u").isTrue();
    assertThat(daemon.exitValue()).isZero();
    assertThat(linesAfterMount()).containsExactly("cgdev: " + dir + " was unmounted from outside; exiting");
    assertThat(Files.readString(daemonErr)).isEmpty();
  }

  @Test
  void anUnmountFromOutsideEndsAMountInThisJvm() throws Exception {
    CgroupMount mount = CgroupMount.mount(new FakeCgroupFs(), dir, MountOptions.defaults());
    try {
      int[] before = {0};
      mount.beforeUnmount(() -> before[0]++);
      assertThat(Shell.run(Path.of("/"), List.of("umount", dir.toString())).exit()).isZero();
      Thread waiter = Thread.ofPlatform().start(() -> {
        try {
          mount.awaitUnmount();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      waiter.join(WAIT_SECONDS * 1000);
      assertThat(waiter.isAlive()).as("awaitUnmount returns").isFalse();
      assertThat(mount.unmountedFromOutside()).isTrue();
      assertThat(mount.isMounted()).isFalse();
      assertThat(before[0]).as("the clean-up ran once").isEqualTo(1);
    } finally {
      mount.close();
    }
    try (CgroupMount again = CgroupMount.mount(new FakeCgroupFs(), dir, MountOptions.defaults())) {
      assertThat(Shell.bash(dir, "cat cgroup.controllers").outLine()).isEqualTo("memory");
    }
  }

  @Test
  void aStaleMountIsReportedWithTheCommandThatClearsIt() throws Exception {
    startDaemon();
    daemon.destroyForcibly(); // SIGKILL: nothing runs, the mount goes stale
    assertThat(daemon.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(Shell.bash(Path.of("/"), "ls " + dir).err()).contains("Transport endpoint is not connected");
    assertThatThrownBy(() -> CgroupMount.mount(new FakeCgroupFs(), dir, MountOptions.defaults()))
        .isInstanceOf(MountException.class)
        .hasMessageContaining("stale FUSE mount")
        .hasMessageContaining("fusermount3 -u " + dir);
    assertThat(Shell.run(Path.of("/"), List.of("fusermount3", "-u", dir.toString())).exit()).isZero();
    try (CgroupMount again = CgroupMount.mount(new FakeCgroupFs(), dir, MountOptions.defaults())) {
      assertThat(Shell.bash(dir, "cat cgroup.controllers").outLine()).isEqualTo("memory");
    }
  }

  @Test
  void aLiveMountIsNotMountedTwice() {
    try (CgroupMount first = CgroupMount.mount(new FakeCgroupFs(), dir, MountOptions.defaults())) {
      assertThatThrownBy(() -> CgroupMount.mount(new FakeCgroupFs(), dir, MountOptions.defaults()))
          .isInstanceOf(MountException.class)
          .hasMessageContaining("already mounted");
    }
  }
}
