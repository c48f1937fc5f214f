package io.cgdev.core.scenario;

import static io.cgdev.core.testing.Errnos.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Subscription;
import io.cgdev.api.Task;
import io.cgdev.api.spi.TaskObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Threaded mode ({@code cgroup.type}, {@code cgroup.threads}) through the file view. The sequence of
 * {@link #theKernelsTransitionsAndErrnos} was run on the host kernel (Linux 6.18, cgroup2, a perl
 * process with two extra threads standing for the task) and gave these outcomes; cgroup-conformance
 * compares random sequences of such steps with the kernel on every build.
 */
class ThreadedModeScenarioTest extends DemoHierarchy {

  @Test
  void theKernelsTransitionsAndErrnos() {
    fs.mkdir("/a");
    fs.mkdir("/a/t");
    fs.mkdir("/a/d");
    assertThat(fs.read("/a/t/cgroup.type")).isEqualTo("domain\n");
    fs.write("/a/t/cgroup.type", "threaded");
    assertThat(fs.read("/a/cgroup.type")).isEqualTo("domain threaded\n");
    assertThat(fs.read("/a/t/cgroup.type")).isEqualTo("threaded\n");
    assertThat(fs.read("/a/d/cgroup.type")).isEqualTo("domain invalid\n");
    fs.mkdir("/a/t/x");
    assertThat(fs.read("/a/t/x/cgroup.type")).isEqualTo("domain invalid\n");
    assertErrno(Errno.EINVAL, () -> fs.write("/a/d/cgroup.type", "domain"));
    fs.write("/a/t/cgroup.type", "threaded");
    fs.write("/a/t/cgroup.type", " threaded\n");
    assertErrno(Errno.EOPNOTSUPP, () -> fs.read("/a/t/cgroup.procs"));
    assertThat(fs.read("/a/t/cgroup.threads")).isEmpty();
    assertThat(fs.read("/a/t/cgroup.controllers")).isEmpty();
    assertThat(fs.list("/a/t").stream().map(e -> e.name()).filter(n -> !n.startsWith("cgroup.") && !n.equals("x"))).isEmpty();

    Task p = cg.tasks().spawn("p", CgroupPath.root());
    int t1 = cg.tasks().spawnThread(p.pid());
    int t2 = cg.tasks().spawnThread(p.pid());
    assertThat(p.threads()).containsExactly(p.pid(), t1, t2);
    fs.write("/a/cgroup.procs", Integer.toString(p.pid()));
    fs.write("/a/t/cgroup.threads", Integer.toString(t1));
    assertThat(fs.read("/a/cgroup.procs")).isEqualTo(p.pid() + "\n");
    assertThat(fs.read("/a/cgroup.threads")).isEqualTo(p.pid() + "\n" + t2 + "\n");
    assertThat(fs.read("/a/t/cgroup.threads")).isEqualTo(t1 + "\n");
    fs.write("/a/t/cgroup.threads", Integer.toString(p.pid()));
    assertThat(fs.read("/a/cgroup.procs")).isEqualTo(p.pid() + "\n"); // the domain lists its subtree's processes
    assertThat(p.cgroup()).isEqualTo(CgroupPath.parse("/a/t"));
    assertErrno(Errno.EOPNOTSUPP, () -> fs.write("/a/d/cgroup.threads", Integer.toString(t2)));
    assertErrno(Errno.EOPNOTSUPP, () -> fs.write("/a/d/cgroup.procs", Integer.toString(p.pid())));
    assertErrno(Errno.EOPNOTSUPP, () -> fs.write("/cgroup.threads", Integer.toString(t2)));
    assertErrno(Errno.EOPNOTSUPP, () -> fs.write("/a/t/cgroup.kill", "1"));
    fs.write("/a/cgroup.freeze", "1");
    assertThat(fs.read("/a/t/x/cgroup.events")).isEqualTo("populated 0\nfrozen 1\n");
    fs.write("/a/t/cgroup.freeze", "1");
    fs.write("/a/cgroup.freeze", "0");
    assertThat(fs.read("/a/cgroup.events")).isEqualTo("populated 1\nfrozen 0\n");
    assertThat(fs.read("/a/t/cgroup.events")).isEqualTo("populated 1\nfrozen 1\n");
    assertErrno(Errno.EOPNOTSUPP, () -> fs.write("/a/cgroup.type", "threaded"));
    assertErrno(Errno.EBUSY, () -> fs.rmdir("/a/t"));
    fs.mkdir("/a/d/y");
    assertThat(fs.read("/a/d/y/cgroup.type")).isEqualTo("domain invalid\n");
    fs.write("/a/d/cgroup.type", "threaded");
    assertThat(fs.read("/a/d/cgroup.type")).isEqualTo("threaded\n");
    assertThat(fs.read("/a/d/y/cgroup.type")).isEqualTo("domain invalid\n");
    fs.write("/a/cgroup.kill", "1");
    assertThat(p.alive()).isFalse();
    assertThat(fs.read("/a/cgroup.events")).isEqualTo("populated 0\nfrozen 0\n");
    assertThat(fs.read("/a/cgroup.type")).isEqualTo("domain threaded\n");
  }

  @Test
  void aThreadedSubtreeRefusesDomainControllersAsTheKernelRefusesNonThreadedOnes() {
    fs.write("/cgroup.subtree_control", "+demo");
    fs.mkdir("/a");
    fs.mkdir("/a/t");
    assertThat(fs.read("/a/cgroup.controllers")).isEqualTo("demo\n");
    fs.write("/a/t/cgroup.type", "threaded");
    // a thread root keeps the controller in cgroup.controllers, but cannot enable it
    assertErrno(Errno.EOPNOTSUPP, () -> fs.write("/a/cgroup.subtree_control", "+demo"));
    // a threaded cgroup does not even list it
    assertThat(fs.read("/a/t/cgroup.controllers")).isEmpty();
    assertErrno(Errno.ENOENT, () -> fs.write("/a/t/cgroup.subtree_control", "+demo"));
    assertThat(fs.list("/a/t").stream().map(e -> e.name()).filter(n -> n.startsWith("demo"))).isEmpty();
    // a domain that enables a controller cannot become a thread root
    fs.mkdir("/b");
    fs.mkdir("/b/c");
    fs.write("/b/cgroup.subtree_control", "+demo");
    assertErrno(Errno.EOPNOTSUPP, () -> fs.write("/b/c/cgroup.type", "threaded"));
    // nor can a populated cgroup become threaded
    fs.mkdir("/e");
    cg.tasks().spawn("w", CgroupPath.parse("/e"));
    assertErrno(Errno.EOPNOTSUPP, () -> fs.write("/e/cgroup.type", "threaded"));
    // a root child may be threaded although the root enables controllers (the root is mixable)
    fs.mkdir("/r");
    fs.write("/r/cgroup.type", "threaded");
    assertThat(fs.read("/r/cgroup.controllers")).isEmpty();
  }

  @Test
  void aThreadedDomainAccountsItsThreadsAndControllersAreNotAskedForMovesInsideIt() {
    fs.write("/cgroup.subtree_control", "+demo");
    fs.mkdir("/a");
    fs.mkdir("/a/t");
    fs.write("/a/t/cgroup.type", "threaded");
    Task p = cg.tasks().spawn("p", CgroupPath.parse("/a"));
    demo.log.clear();
    fs.write("/a/t/cgroup.procs", Integer.toString(p.pid())); // the whole process, within its domain
    assertThat(p.cgroup()).isEqualTo(CgroupPath.parse("/a/t"));
    assertThat(demo.log).isEmpty();
    assertThat(cg.context().cgroupOf(p).path()).isEqualTo(CgroupPath.parse("/a"));
    fs.mkdir("/b");
    fs.write("/b/cgroup.procs", Integer.toString(p.pid()));
    assertThat(demo.log).contains("canAttach " + p.pid() + " /b", "attach " + p.pid() + " /b");
  }

  @Test
  void threadsStartLeaveAndFreezeTheirTaskOnlyAsTheMainThread() {
    List<String> heard = new CopyOnWriteArrayList<>();
    fs.mkdir("/a");
    fs.mkdir("/a/t");
    fs.write("/a/t/cgroup.type", "threaded");
    fs.write("/a/t/cgroup.freeze", "1");
    try (Subscription s = cg.context().observeTasks(new TaskObserver() {
      @Override
      public void frozen(Task task) {
        heard.add("frozen");
      }

      @Override
      public void thawed(Task task) {
        heard.add("thawed");
      }
    })) {
      Task p = cg.tasks().spawn("p", CgroupPath.parse("/a"));
      int t = cg.tasks().spawnThread(p.pid());
      cg.tasks().moveThread(t, CgroupPath.parse("/a/t"));
      assertThat(heard).isEmpty();
      assertThat(fs.read("/a/t/cgroup.events")).isEqualTo("populated 1\nfrozen 1\n");
      cg.tasks().moveThread(p.pid(), CgroupPath.parse("/a/t"));
      assertThat(heard).containsExactly("frozen");
      assertErrno(Errno.EINVAL, () -> cg.tasks().exitThread(p.pid()));
      cg.tasks().exitThread(t);
      assertThat(p.threads()).containsExactly(p.pid());
      assertErrno(Errno.ESRCH, () -> cg.tasks().exitThread(t));
      assertErrno(Errno.ESRCH, () -> cg.tasks().spawnThread(99999));
      cg.tasks().moveThread(p.pid(), CgroupPath.parse("/a"));
      assertThat(heard).containsExactly("frozen", "thawed");
    }
  }
}
