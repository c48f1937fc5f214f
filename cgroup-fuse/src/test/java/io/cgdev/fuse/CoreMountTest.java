package io.cgdev.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupPath;
import io.cgdev.api.Task;
import io.cgdev.core.Cgroups;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real core (with the memory controller found by discovery) mounted and driven with bash. */
class CoreMountTest {
  @TempDir Path temp;
  private Cgroups cgroups;
  private CgroupMount mount;
  private Path dir;

  @BeforeEach
  void mount() {
    FuseTesting.requireFuse();
    cgroups = Cgroups.builder().discover(true).build();
    dir = FuseTesting.mountPoint(temp);
    mount = CgroupMount.mount(cgroups.fs(), dir, MountOptions.defaults());
  }

  @AfterEach
  void unmount() {
    if (mount != null) {
      mount.close();
    }
    if (cgroups != null) {
      cgroups.close();
    }
  }

  private Shell.Result sh(String script) {
    return Shell.bash(dir, script);
  }

  @Test
  void configuresTheRealHierarchyThroughTheMount() {
    assertThat(sh("cat cgroup.controllers").outLine()).contains("memory");
    Shell.Result r = sh("mkdir job && echo +memory > cgroup.subtree_control && echo 3 > job/cgroup.max.depth && cat job/cgroup.max.depth");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.outLine()).isEqualTo("3");
    assertThat(sh("echo max > job/cgroup.max.depth && cat job/cgroup.max.depth").outLine()).isEqualTo("max");
    Shell.Result bad = sh("echo 12abc > job/cgroup.max.depth");
    assertThat(bad.err()).contains("write error: Invalid argument");
    assertThat(sh("cat job/cgroup.max.depth").outLine()).isEqualTo("max");
    assertThat(sh("cat cgroup.subtree_control").outLine()).isEqualTo("memory");
    assertThat(sh("stat -c '%a' job/cgroup.max.depth job/cgroup.controllers job").out().lines()).containsExactly("644", "444", "755");
    // memory files exist per device only: with no device registered, writing one is creating a file
    assertThat(sh("echo 1 > job/memory.max").err()).contains("Permission denied");
  }

  @Test
  void tasksMoveThroughCgroupProcsAndBlockRmdir() {
    sh("mkdir a b");
    Task task = cgroups.tasks().spawn("worker", CgroupPath.parse("/a"));
    assertThat(sh("cat a/cgroup.procs").outLine()).isEqualTo(Integer.toString(task.pid()));
    assertThat(sh("rmdir a").err()).contains("Device or resource busy");
    Shell.Result move = sh("echo " + task.pid() + " > b/cgroup.procs");
    assertThat(move.exit()).as(move.err()).isZero();
    assertThat(task.cgroup()).isEqualTo(CgroupPath.parse("/b"));
    assertThat(sh("rmdir a && ls").out()).doesNotContain("a\n").contains("b\n");
    assertThat(sh("mkdir b").err()).contains("File exists");
  }
}
