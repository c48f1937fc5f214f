package io.cgdev.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cgroup v2 delegation with real users: root gives {@code /deleg} (folder, {@code cgroup.procs},
 * {@code cgroup.subtree_control}) to a local user, who then works through {@code runuser}. The
 * user is added for the test and removed after it.
 */
class DelegationTest {
  private static final String USER = "cgdevfuse";
  private static final String STRANGER = "nobody";

  @TempDir Path temp;
  private FakeCgroupFs fs;
  private CgroupMount mount;
  private Path dir;

  private static TestUser user;

  @BeforeAll
  static void users() {
    FuseTesting.requireFuse();
    assumeTrue(FuseTesting.isRoot(), "delegation tests need root: they add the local user " + USER
        + " (useradd) and act as it (runuser); run the build as root to include them");
    user = TestUser.ensure(USER);
    assertThat(Shell.bash(Path.of("/"), "id -u " + STRANGER).exit()).as("user %s exists", STRANGER).isZero();
  }

  @AfterAll
  static void removeUser() {
    if (user != null) {
      user.remove();
    }
  }

  @BeforeEach
  void mountAndDelegate() {
    fs = new FakeCgroupFs();
    dir = FuseTesting.mountPoint(temp);
    mount = CgroupMount.mount(fs, dir, MountOptions.defaults());
    Shell.Result r = root("mkdir deleg outside && chown " + USER + " deleg deleg/cgroup.procs deleg/cgroup.subtree_control");
    assertThat(r.exit()).as(r.err()).isZero();
  }

  @AfterEach
  void unmount() {
    if (mount != null) {
      mount.close();
    }
  }

  private Shell.Result root(String script) {
    return Shell.bash(dir, script);
  }

  private Shell.Result user(String script) {
    return Shell.bashAs(USER, dir, script);
  }

  @Test
  void chownShowsTheDelegateeAndLeavesTheLimitsWithTheParentsOwner() {
    assertThat(root("stat -c '%n %U' deleg deleg/cgroup.procs deleg/cgroup.subtree_control deleg/memory.max deleg/cgroup.controllers")
        .out().lines()).containsExactly("deleg " + USER, "deleg/cgroup.procs " + USER,
        "deleg/cgroup.subtree_control " + USER, "deleg/memory.max root", "deleg/cgroup.controllers root");
    Shell.Result ownLimit = user("echo 1G > deleg/memory.max");
    assertThat(ownLimit.err()).contains("Permission denied");
    assertThat(root("cat deleg/memory.max").outLine()).isEqualTo("max");
  }

  @Test
  void theDelegateeCreatesConfiguresAndRemovesCgroupsBeneath() {
    Shell.Result r = user("mkdir deleg/c1 deleg/c1/sub && echo 512M > deleg/c1/memory.max && "
        + "echo 1G > deleg/c1/memory.devices/i915.0/memory.max && echo +memory > deleg/cgroup.subtree_control && "
        + "stat -c '%U' deleg/c1 deleg/c1/memory.max deleg/c1/memory.devices/i915.0/memory.max deleg/c1/sub/cgroup.procs");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().lines()).containsOnly(USER);
    assertThat(root("cat deleg/c1/memory.max").outLine()).isEqualTo("536870912");
    assertThat(user("rmdir deleg/c1/sub deleg/c1 && echo ok").outLine()).isEqualTo("ok");
    assertThat(user("rmdir deleg").err()).contains("Permission denied");
    assertThat(user("mkdir mine").err()).contains("Permission denied");
    assertThat(user("mkdir outside/mine").err()).contains("Permission denied");
  }

  @Test
  void migrationNeedsWriteAccessToTheCommonAncestorsProcs() {
    user("mkdir deleg/c1 deleg/c2");
    fs.spawn(501, "/deleg/c1");
    fs.spawn(502, "/outside");
    Shell.Result inside = user("echo 501 > deleg/c2/cgroup.procs");
    assertThat(inside.exit()).as(inside.err()).isZero();
    assertThat(fs.cgroupOf(501)).isEqualTo("/deleg/c2");
    Shell.Result fromOutside = user("echo 502 > deleg/c1/cgroup.procs");
    assertThat(fromOutside.err()).contains("Permission denied");
    assertThat(fs.cgroupOf(502)).isEqualTo("/outside");
    assertThat(user("echo 501 > outside/cgroup.procs").err()).contains("Permission denied");
    assertThat(fs.cgroupOf(501)).isEqualTo("/deleg/c2");
  }

  @Test
  void everyoneElseIsRefused() {
    user("mkdir deleg/c1");
    for (String script : List.of("mkdir deleg/x", "echo 1M > deleg/c1/memory.max", "rmdir deleg/c1", "echo 0 > cgroup.procs")) {
      Shell.Result r = Shell.bashAs(STRANGER, dir, script);
      assertThat(r.exit()).as(script).isNotZero();
      assertThat(r.err()).as(script).contains("Permission denied");
    }
    assertThat(user("chown root deleg/c1").err()).contains("Operation not permitted");
    assertThat(Shell.bashAs(STRANGER, dir, "chown nobody deleg/c1").err()).contains("Operation not permitted");
    assertThat(root("ls deleg").out()).contains("c1");
  }
}
