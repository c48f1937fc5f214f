package io.cgdev.core.scenario;

import static io.cgdev.core.testing.Errnos.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import io.cgdev.api.Subscription;
import io.cgdev.api.Task;
import io.cgdev.api.spi.TaskObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@code cgroup.freeze} and {@code cgroup.kill} through the file view, with the values and errnos the
 * host kernel gives (Linux 6.18: {@code 2}, {@code -1} are {@code ERANGE}, {@code x} {@code EINVAL},
 * {@code 0x1} freezes; kill takes exactly 1; a threaded cgroup cannot be killed), the hierarchy of
 * freezing, and what drivers hear.
 */
class FreezeKillScenarioTest extends DemoHierarchy {
  /** A driver's view: every call, in order. */
  private final List<String> heard = new CopyOnWriteArrayList<>();
  private final TaskObserver observer = new TaskObserver() {
    @Override
    public void frozen(Task task) {
      heard.add("frozen " + task.name());
    }

    @Override
    public void thawed(Task task) {
      heard.add("thawed " + task.name());
    }

    @Override
    public void killed(Task task) {
      heard.add("killed " + task.name() + (task.alive() ? " alive" : ""));
    }
  };

  @Test
  void freezeTakesZeroOrOneAsKstrtointReadsThemAndIsNotOnTheRoot() {
    fs.mkdir("/a");
    assertThat(fs.read("/a/cgroup.freeze")).isEqualTo("0\n");
    assertErrno(Errno.ERANGE, () -> fs.write("/a/cgroup.freeze", "2"));
    assertErrno(Errno.ERANGE, () -> fs.write("/a/cgroup.freeze", "-1"));
    assertErrno(Errno.EINVAL, () -> fs.write("/a/cgroup.freeze", "x"));
    assertThat(fs.read("/a/cgroup.events")).isEqualTo("populated 0\nfrozen 0\n");
    fs.write("/a/cgroup.freeze", "0x1");
    assertThat(fs.read("/a/cgroup.freeze")).isEqualTo("1\n");
    assertThat(fs.read("/a/cgroup.events")).isEqualTo("populated 0\nfrozen 1\n");
    assertErrno(Errno.ENOENT, () -> fs.read("/cgroup.freeze"));
    assertErrno(Errno.ENOENT, () -> fs.write("/cgroup.kill", "1"));
    assertThat(fs.stat("/a/cgroup.freeze").mode()).isEqualTo(0644);
    assertThat(fs.stat("/a/cgroup.kill").mode()).isEqualTo(0200);
    assertErrno(Errno.EACCES, () -> fs.open("/a/cgroup.kill", OpenOptions.READ));
  }

  @Test
  void freezingIsHierarchicalAndANewChildOfAFrozenCgroupIsFrozen() {
    fs.mkdir("/a");
    fs.mkdir("/a/b");
    fs.write("/a/cgroup.freeze", "1");
    assertThat(fs.read("/a/b/cgroup.events")).isEqualTo("populated 0\nfrozen 1\n");
    assertThat(fs.read("/a/b/cgroup.freeze")).isEqualTo("0\n");
    fs.mkdir("/a/c");
    assertThat(fs.read("/a/c/cgroup.events")).contains("frozen 1");
    fs.write("/a/b/cgroup.freeze", "1");
    fs.write("/a/cgroup.freeze", "0");
    assertThat(fs.read("/a/cgroup.events")).contains("frozen 0");
    assertThat(fs.read("/a/c/cgroup.events")).contains("frozen 0");
    assertThat(fs.read("/a/b/cgroup.events")).contains("frozen 1"); // its own setting holds it
  }

  @Test
  void eachFrozenChangeNotifiesAndAWriteThatChangesNoStateNotifiesItsCgroupOnly() {
    fs.mkdir("/a");
    fs.mkdir("/a/b");
    try (OpenFile a = fs.open("/a/cgroup.events", OpenOptions.READ);
        OpenFile b = fs.open("/a/b/cgroup.events", OpenOptions.READ)) {
      a.read();
      b.read();
      fs.write("/a/cgroup.freeze", "1");
      assertThat(a.changed()).isTrue();
      assertThat(b.changed()).isTrue();
      a.read();
      b.read();
      fs.write("/a/cgroup.freeze", "1"); // the same value: nothing
      assertThat(a.changed()).isFalse();
      fs.write("/a/b/cgroup.freeze", "1"); // the ancestor decides: the writer is told there is nothing to wait for
      assertThat(b.changed()).isTrue();
      assertThat(a.changed()).isFalse();
      assertThat(b.read()).contains("frozen 1");
    }
  }

  @Test
  void driversHearOfTasksFreezingThawingAndMovingInAndOut() {
    fs.mkdir("/a");
    fs.mkdir("/warm");
    try (Subscription s = cg.context().observeTasks(observer)) {
      Task t = cg.tasks().spawn("t", CgroupPath.parse("/a"));
      fs.write("/a/cgroup.freeze", "1");
      Task u = cg.tasks().spawn("u", CgroupPath.parse("/a")); // born frozen
      cg.tasks().move(t.pid(), CgroupPath.parse("/warm"));
      cg.tasks().move(t.pid(), CgroupPath.parse("/a"));
      fs.write("/a/cgroup.freeze", "0");
      cg.tasks().exit(u.pid());
      assertThat(heard).containsExactly("frozen t", "frozen u", "thawed t", "frozen t", "thawed t", "thawed u");
      // a thread of its own moving does not freeze the task; its main thread does (threads: ThreadedModeScenarioTest)
    }
  }

  @Test
  void killEndsEveryTaskOfTheSubtreeItsThreadsIncludedAndTellsTheDrivers() {
    fs.mkdir("/a");
    fs.mkdir("/a/b");
    fs.mkdir("/c");
    try (Subscription s = cg.context().observeTasks(observer);
        OpenFile events = fs.open("/a/cgroup.events", OpenOptions.READ)) {
      Task t = cg.tasks().spawn("t", CgroupPath.parse("/a"));
      Task u = cg.tasks().spawn("u", CgroupPath.parse("/a/b"));
      int thread = cg.tasks().spawnThread(u.pid());
      Task v = cg.tasks().spawn("v", CgroupPath.parse("/c"));
      assertErrno(Errno.ERANGE, () -> fs.write("/a/cgroup.kill", "0"));
      assertErrno(Errno.ERANGE, () -> fs.write("/a/cgroup.kill", "2"));
      assertErrno(Errno.EINVAL, () -> fs.write("/a/cgroup.kill", "x"));
      events.read();
      fs.write("/a/cgroup.kill", "1");
      assertThat(t.alive()).isFalse();
      assertThat(u.alive()).isFalse();
      assertThat(v.alive()).isTrue();
      assertThat(cg.tasks().find(u.pid())).isEmpty();
      assertThat(fs.read("/a/b/cgroup.threads")).isEmpty();
      assertThat(fs.read("/a/cgroup.procs")).isEmpty();
      assertThat(events.changed()).isTrue();
      assertThat(events.read()).isEqualTo("populated 0\nfrozen 0\n");
      assertThat(heard).containsExactly("killed t", "killed u");
      assertErrno(Errno.ESRCH, () -> cg.tasks().exitThread(thread));
      fs.rmdir("/a/b");
      fs.write("/c/cgroup.kill", "1");
      fs.write("/c/cgroup.kill", "1"); // an empty cgroup: nothing to do
      assertThat(v.alive()).isFalse();
    }
  }

  @Test
  void frozenTasksAreKilledToo() {
    fs.mkdir("/a");
    Task t = cg.tasks().spawn("t", CgroupPath.parse("/a"));
    fs.write("/a/cgroup.freeze", "1");
    fs.write("/a/cgroup.kill", "1");
    assertThat(t.alive()).isFalse();
    assertThat(fs.read("/a/cgroup.events")).isEqualTo("populated 0\nfrozen 1\n");
  }
}
