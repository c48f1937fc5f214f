package io.cgdev.core.scenario;

import static io.cgdev.core.testing.Errnos.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import io.cgdev.api.Task;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cgroup v2 core rules, driven through the file view as a user would. */
class HierarchyScenarioTest extends DemoHierarchy {
  @Test
  void rootShowsCoreFilesAndEveryController() {
    assertThat(names(fs.list("/"))).containsExactly(
        "cgroup.controllers", "cgroup.max.depth", "cgroup.max.descendants", "cgroup.pressure", "cgroup.procs",
        "cgroup.stat", "cgroup.subtree_control", "cgroup.threads", "demo.devices", "demo.info", "zeta.devices",
        "zeta.info");
    assertThat(fs.read("/cgroup.controllers")).isEqualTo("demo zeta\n");
    assertThat(fs.read("/cgroup.subtree_control")).isEmpty();
    assertErrno(Errno.ENOENT, () -> fs.read("/cgroup.events")); // CFTYPE_NOT_ON_ROOT, as in the kernel
    assertThat(fs.read("/cgroup.stat")).isEqualTo("nr_descendants 0\nnr_subsys_demo 1\nnr_subsys_zeta 1\n"
        + "nr_dying_descendants 0\nnr_dying_subsys_demo 0\nnr_dying_subsys_zeta 0\n");
    assertThat(fs.read("/cgroup.max.depth")).isEqualTo("max\n");
    assertThat(fs.stat("/cgroup.procs").mode()).isEqualTo(0644);
    assertThat(fs.stat("/cgroup.stat").mode()).isEqualTo(0444);
    assertThat(fs.stat("/cgroup.controllers").mode()).isEqualTo(0444);
    assertThat(fs.stat("/").mode()).isEqualTo(0755);
    assertThat(fs.stat("/demo.devices").isDirectory()).isTrue();
  }

  @Test
  void mkdirShowsControllerFilesOnlyWhereTheParentEnablesThem() {
    fs.mkdir("/a");
    assertThat(names(fs.list("/a"))).doesNotContain("demo.info", "demo.devices");
    assertThat(fs.read("/a/cgroup.controllers")).isEmpty();
    fs.write("/cgroup.subtree_control", "+demo");
    assertThat(fs.read("/cgroup.subtree_control")).isEqualTo("demo\n");
    assertThat(names(fs.list("/a"))).contains("demo.info", "demo.devices").doesNotContain("zeta.info");
    assertThat(fs.read("/a/cgroup.controllers")).isEqualTo("demo\n");
    assertThat(fs.read("/a/demo.info")).isEqualTo("demo at /a\n");
    fs.write("/cgroup.subtree_control", "-demo +zeta");
    assertThat(fs.read("/cgroup.subtree_control")).isEqualTo("zeta\n");
    assertErrno(Errno.ENOENT, () -> fs.read("/a/demo.info"));
  }

  @Test
  void mkdirErrors() {
    fs.mkdir("/a");
    assertErrno(Errno.EEXIST, () -> fs.mkdir("/a"));
    assertErrno(Errno.EEXIST, () -> fs.mkdir("/"));
    assertErrno(Errno.EEXIST, () -> fs.mkdir("/a/cgroup.procs"));
    assertErrno(Errno.EEXIST, () -> fs.mkdir("/demo.info"));
    assertErrno(Errno.EEXIST, () -> fs.mkdir("/demo.devices"));
    fs.write("/cgroup.subtree_control", "+demo");
    assertErrno(Errno.EEXIST, () -> fs.mkdir("/a/demo.info"));
    assertErrno(Errno.EEXIST, () -> fs.mkdir("/a/demo.devices"));
    assertErrno(Errno.EINVAL, () -> fs.mkdir("/a/b\nc"));
    assertErrno(Errno.ENAMETOOLONG, () -> fs.mkdir("/a/" + "n".repeat(4096)));
    // kernfs reserves no names: what is not there may be taken
    for (String name : new String[] {"demo.value", "cgroup.foo", "x.devices", "zeta.devices", "zeta.info", "devices", "n".repeat(300)}) {
      fs.mkdir("/a/" + name);
      assertThat(fs.stat("/a/" + name).isDirectory()).as(name).isTrue();
      fs.rmdir("/a/" + name);
    }
    assertErrno(Errno.ENOENT, () -> fs.mkdir("/missing/b"));
    assertErrno(Errno.ENOTDIR, () -> fs.mkdir("/a/cgroup.procs/b"));
    assertErrno(Errno.EPERM, () -> fs.mkdir("/demo.devices/x"));
    assertErrno(Errno.EINVAL, () -> fs.mkdir("relative"));
    assertThat(fs.read("/cgroup.stat")).startsWith("nr_descendants 1\n");
  }

  @Test
  void rmdirErrors() {
    fs.mkdir("/a");
    fs.mkdir("/a/b");
    assertErrno(Errno.EBUSY, () -> fs.rmdir("/a"));
    assertErrno(Errno.EBUSY, () -> fs.rmdir("/"));
    assertErrno(Errno.ENOENT, () -> fs.rmdir("/nope"));
    assertErrno(Errno.ENOTDIR, () -> fs.rmdir("/a/cgroup.procs"));
    assertErrno(Errno.EPERM, () -> fs.rmdir("/demo.devices"));
    Task t = cg.tasks().spawn("sleeper", CgroupPath.parse("/a/b"));
    assertErrno(Errno.EBUSY, () -> fs.rmdir("/a/b"));
    cg.tasks().exit(t.pid());
    fs.rmdir("/a/b");
    fs.rmdir("/a");
    assertThat(names(fs.list("/"))).doesNotContain("a");
    assertThat(fs.read("/cgroup.stat")).startsWith("nr_descendants 0\n").contains("nr_dying_descendants 0\n");
    fs.mkdir("/a");
  }

  @Test
  void maxDepthAndDescendantsAreEnforcedWithEagain() {
    fs.write("/cgroup.max.depth", "2");
    fs.mkdir("/a");
    fs.mkdir("/a/b");
    assertErrno(Errno.EAGAIN, () -> fs.mkdir("/a/b/c"));
    fs.write("/a/cgroup.max.descendants", "2\n");
    fs.mkdir("/a/c");
    assertErrno(Errno.EAGAIN, () -> fs.mkdir("/a/d"));
    assertThat(fs.read("/a/cgroup.max.descendants")).isEqualTo("2\n");
    fs.write("/a/cgroup.max.descendants", "max");
    fs.mkdir("/a/d");
    assertErrno(Errno.ERANGE, () -> fs.write("/cgroup.max.depth", "-1"));
    assertErrno(Errno.EINVAL, () -> fs.write("/cgroup.max.depth", "lots"));
    assertThat(fs.read("/cgroup.max.depth")).isEqualTo("2\n");
  }

  @Test
  void subtreeControlRules() {
    fs.mkdir("/a");
    fs.mkdir("/a/b");
    assertErrno(Errno.EINVAL, () -> fs.write("/cgroup.subtree_control", "+nope"));
    assertErrno(Errno.EINVAL, () -> fs.write("/cgroup.subtree_control", "demo"));
    assertErrno(Errno.EINVAL, () -> fs.write("/cgroup.subtree_control", "+demo +nope"));
    assertThat(fs.read("/cgroup.subtree_control")).isEmpty();
    assertErrno(Errno.ENOENT, () -> fs.write("/a/cgroup.subtree_control", "+demo"));
    fs.write("/cgroup.subtree_control", "+demo +zeta -zeta");
    assertThat(fs.read("/cgroup.subtree_control")).isEqualTo("demo\n");
    fs.write("/a/cgroup.subtree_control", "+demo");
    assertErrno(Errno.EBUSY, () -> fs.write("/cgroup.subtree_control", "-demo"));
    fs.write("/a/cgroup.subtree_control", "-demo");
    cg.tasks().spawn("t", CgroupPath.parse("/a"));
    assertErrno(Errno.EBUSY, () -> fs.write("/a/cgroup.subtree_control", "+demo"));
    fs.write("/cgroup.subtree_control", "-demo");
    cg.tasks().spawn("r", CgroupPath.root());
    fs.write("/cgroup.subtree_control", "+demo");
    assertThat(fs.read("/cgroup.subtree_control")).isEqualTo("demo\n");
  }

  @Test
  void procsMigrationPopulatedAndNoInternalProcesses() {
    fs.mkdir("/a");
    fs.mkdir("/a/b");
    fs.mkdir("/c");
    List<CgroupPath> events = new ArrayList<>();
    cg.onEvents(events::add);
    Task t = cg.tasks().spawn("worker", CgroupPath.root());
    assertThat(fs.read("/cgroup.procs")).isEqualTo(t.pid() + "\n");
    fs.write("/a/b/cgroup.procs", Integer.toString(t.pid()));
    assertThat(t.cgroup()).isEqualTo(CgroupPath.parse("/a/b"));
    assertThat(fs.read("/cgroup.procs")).isEmpty();
    assertThat(fs.read("/a/b/cgroup.procs")).isEqualTo(t.pid() + "\n");
    assertThat(fs.read("/a/cgroup.events")).isEqualTo("populated 1\nfrozen 0\n");
    assertThat(fs.read("/c/cgroup.events")).isEqualTo("populated 0\nfrozen 0\n");
    assertThat(events).contains(CgroupPath.parse("/a/b"), CgroupPath.parse("/a"));
    assertThat(demo.log).contains("canAttach " + t.pid() + " /a/b", "attach " + t.pid() + " /a/b");

    assertErrno(Errno.EINVAL, () -> fs.write("/c/cgroup.procs", "abc"));
    assertErrno(Errno.EINVAL, () -> fs.write("/c/cgroup.procs", "-3"));
    assertErrno(Errno.ESRCH, () -> fs.write("/c/cgroup.procs", "9999"));
    assertErrno(Errno.ESRCH, () -> fs.write("/c/cgroup.procs", "0"));
    try (OpenFile f = fs.open("/c/cgroup.procs", OpenOptions.WRITE.withCaller(t.pid()))) {
      f.write("0\n");
    }
    assertThat(t.cgroup()).isEqualTo(CgroupPath.parse("/c"));
    assertThat(fs.read("/a/cgroup.events")).isEqualTo("populated 0\nfrozen 0\n");

    fs.write("/cgroup.subtree_control", "+demo");
    fs.write("/a/cgroup.subtree_control", "+demo");
    assertErrno(Errno.EBUSY, () -> fs.write("/a/cgroup.procs", Integer.toString(t.pid())));
    assertErrno(Errno.EBUSY, () -> cg.tasks().spawn("x", CgroupPath.parse("/a")));
    fs.write("/cgroup.procs", Integer.toString(t.pid()));
    assertThat(t.cgroup()).isEqualTo(CgroupPath.root());
  }

  @Test
  void aRefusalCancelsTheControllersThatAccepted() {
    fs.mkdir("/no");
    Task t = cg.tasks().spawn("w", CgroupPath.root());
    zeta.refuseInto.add("no");
    assertErrno(Errno.ENOSPC, () -> fs.write("/no/cgroup.procs", Integer.toString(t.pid())));
    assertThat(t.cgroup()).isEqualTo(CgroupPath.root());
    assertThat(demo.log).containsSubsequence("canAttach " + t.pid() + " /no", "cancelAttach " + t.pid() + " /no");
    assertThat(demo.log).doesNotContain("attach " + t.pid() + " /no");
    assertThat(zeta.log).doesNotContain("cancelAttach " + t.pid() + " /no");
  }

  @Test
  void fileHandleErrors() {
    fs.mkdir("/a");
    assertErrno(Errno.EACCES, () -> fs.open("/a/cgroup.stat", OpenOptions.WRITE));
    assertErrno(Errno.EISDIR, () -> fs.open("/a", OpenOptions.READ));
    assertErrno(Errno.ENOENT, () -> fs.open("/a/nothing", OpenOptions.READ));
    assertErrno(Errno.ENOTDIR, () -> fs.list("/a/cgroup.procs"));
    assertErrno(Errno.ENOTDIR, () -> fs.stat("/a/cgroup.procs/x"));
    OpenFile w = fs.open("/a/cgroup.max.depth", OpenOptions.WRITE);
    assertErrno(Errno.EBADF, w::read);
    assertErrno(Errno.E2BIG, () -> w.write("1".repeat(4097)));
    w.write("  7 \n");
    w.close();
    assertErrno(Errno.EBADF, () -> w.write("3"));
    assertThat(fs.read("/a/cgroup.max.depth")).isEqualTo("7\n");
    OpenFile r = fs.open("/a/cgroup.events", OpenOptions.READ);
    assertErrno(Errno.EBADF, () -> r.write("x"));
    fs.rmdir("/a");
    assertErrno(Errno.ENODEV, r::read);
    fs.mkdir("/a");
    assertErrno(Errno.ENODEV, r::read);
    r.close();
  }
}
