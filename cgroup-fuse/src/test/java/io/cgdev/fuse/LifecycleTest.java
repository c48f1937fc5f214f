package io.cgdev.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.fuse.internal.MountPoints;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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

/** A daemon in its own JVM: SIGTERM unmounts it; SIGKILL leaves a stale mount that the next mount reports. */
class LifecycleTest {
  @TempDir Path temp;
  private Path dir;
  private Process daemon;

  @BeforeEach
  void setUp() {
    FuseTesting.requireFuse();
    dir = FuseTesting.mountPoint(temp);
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (daemon != null && daemon.isAlive()) {
      daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (MountPoints.isMountPoint(dir)) {
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
    daemon = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    assertThat(first).as("the daemon reports its mount").startsWith("mounted ");
    assertThat(Shell.bash(dir, "cat cgroup.controllers").outLine()).isEqualTo("memory");
  }

  @Test
  void sigtermUnmountsCleanly() throws Exception {
    startDaemon();
    assertThat(MountPoints.isMountPoint(dir)).isTrue();
    daemon.destroy(); // SIGTERM: the shutdown hook unmounts
    assertThat(daemon.waitFor(20, TimeUnit.SECONDS)).as("daemon exits after SIGTERM").isTrue();
    assertThat(MountPoints.isMountPoint(dir)).as("no mount left behind").isFalse();
  }

  @Test
  void aStaleMountIsReportedWithTheCommandThatClearsIt() throws Exception {
    startDaemon();
    daemon.destroyForcibly(); // SIGKILL: nothing runs, the mount goes stale
    assertThat(daemon.waitFor(20, TimeUnit.SECONDS)).isTrue();
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
