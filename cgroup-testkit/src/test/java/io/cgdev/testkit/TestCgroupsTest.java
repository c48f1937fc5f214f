package io.cgdev.testkit;

import static io.cgdev.testkit.Errnos.errnoOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.testkit.RecordingController.Holding;
import io.cgdev.testkit.RecordingController.State;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kit's surface over the core: lookups, errnos, files by name, the tree's controllers; and, with
 * a controller that logs every hook, that the calls plugins get are the core's, in the core's order.
 */
class TestCgroupsTest {
  private final RecordingController rec = new RecordingController();
  private final TestCgroups cgroups = new TestCgroups(rec);

  private static DeviceSpec spec(String name, String... controllers) {
    return DeviceSpec.builder(name, "fake").controllers(controllers).region(new RegionSpec("r0", 1 << 20)).build();
  }

  private TestBinding<State> bindDev0() {
    return cgroups.bind(rec, spec("dev0", "rec"));
  }

  @Test
  void bindCreatesAndOnlinesStatesParentsFirstAndMkdirAddsOne() {
    cgroups.mkdir("/c");
    cgroups.mkdir("/a");
    cgroups.mkdir("/a/b");
    TestBinding<State> dev = bindDev0();
    assertThat(rec.log).as("parents first: the core's pre-order walk").containsExactly(
        "bind dev0",
        "create / parent -", "online /",
        "create /c parent /", "online /c",
        "create /a parent /", "online /a",
        "create /a/b parent /a", "online /a/b");
    rec.log.clear();
    CgroupHandle d = cgroups.mkdir(cgroups.cgroup("/a/b"), "d");
    assertThat(rec.log).containsExactly("create /a/b/d parent /a/b", "online /a/b/d");
    assertThat(dev.state(d).parent).isSameAs(dev.state("/a/b"));
    assertThat(d.state(dev.key())).isSameAs(dev.state(d));
    assertThat(d.level()).isEqualTo(3);
    assertThat(d.parent()).isSameAs(cgroups.cgroup("/a/b"));
    assertThat(d.isDescendantOf(cgroups.cgroup("/a"))).isTrue();
    assertThat(cgroups.cgroups()).extracting(CgroupHandle::toString).containsExactly("/", "/a", "/a/b", "/a/b/d", "/c");
    assertThat(cgroups.devices()).containsExactly("dev0");
    assertThat(dev.registered()).isTrue();
    assertThat(dev.controller()).isSameAs(rec);
    assertThat(dev.context().registration()).isSameAs(dev.registration());
    assertThat(dev.context().root()).isSameAs(cgroups.root());
    assertThat(dev.key().registration()).isSameAs(dev.registration());
  }

  @Test
  void mkdirAndRmdirErrnos() {
    assertThat(errnoOf(() -> cgroups.mkdir("/x/y"))).isEqualTo(Errno.ENOENT);
    assertThat(errnoOf(() -> cgroups.mkdir("/"))).isEqualTo(Errno.EEXIST);
    cgroups.mkdir("/a");
    assertThat(errnoOf(() -> cgroups.mkdir("/a"))).isEqualTo(Errno.EEXIST);
    assertThat(errnoOf(() -> cgroups.mkdir("/a/b\nc"))).isEqualTo(Errno.EINVAL);
    assertThat(cgroups.mkdirs("/a/b/c").path().toString()).isEqualTo("/a/b/c");
    assertThat(cgroups.mkdirs("/a/b")).isSameAs(cgroups.cgroup("/a/b"));
    assertThat(errnoOf(() -> cgroups.rmdir("/"))).isEqualTo(Errno.EBUSY);
    assertThat(errnoOf(() -> cgroups.rmdir("/a/b"))).isEqualTo(Errno.EBUSY);
    CgroupHandle c = cgroups.cgroup("/a/b/c");
    Task t = cgroups.spawn("t", c);
    assertThatThrownBy(() -> cgroups.rmdir(c)).hasMessageContaining("1 task");
    cgroups.exit(t);
    assertThat(t.alive()).isFalse();
    assertThat(errnoOf(() -> cgroups.exit(t))).isEqualTo(Errno.ESRCH);
    cgroups.rmdir(c);
    assertThat(c.online()).isFalse();
    assertThat(errnoOf(() -> cgroups.rmdir(c))).isEqualTo(Errno.ENOENT);
    assertThat(errnoOf(() -> cgroups.rmdir("/a/b/c"))).isEqualTo(Errno.ENOENT);
    assertThat(errnoOf(() -> cgroups.cgroup("/a/b/c"))).isEqualTo(Errno.ENOENT);
    assertThat(errnoOf(() -> cgroups.mkdir(c, "under"))).isEqualTo(Errno.ENOENT);
    assertThatThrownBy(() -> new TestCgroups().rmdir(cgroups.cgroup("/a/b"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rmdirOfflinesAndFreesADrainedCgroupAtOnceAndReusesItsId() {
    TestBinding<State> dev = bindDev0();
    CgroupHandle a = cgroups.mkdir("/a");
    CgroupHandle b = cgroups.mkdir("/b");
    assertThat(List.of(a.id(), b.id())).containsExactly(1, 2);
    State stateOfA = dev.state(a);
    rec.log.clear();
    cgroups.rmdir(a);
    assertThat(rec.log).containsExactly("offline /a", "free /a");
    assertThat(errnoOf(() -> a.state(dev.key()))).isEqualTo(Errno.ENODEV);
    assertThat(cgroups.reap()).isZero();
    CgroupHandle c = cgroups.mkdir("/c");
    assertThat(c.id()).as("the lowest free id").isEqualTo(1);
    assertThat(dev.state(c)).isNotSameAs(stateOfA);
  }

  @Test
  void aCgroupWithUndrainedStatesDiesUntilReaped() {
    TestBinding<State> dev = bindDev0();
    Holding holding = dev.capability(Holding.class).orElseThrow();
    CgroupHandle a = cgroups.mkdir("/a");
    CgroupHandle b = cgroups.mkdir("/a/b");
    holding.hold(b, 5);
    rec.log.clear();
    cgroups.rmdir(b);
    cgroups.rmdir(a);
    assertThat(rec.log).containsExactly("offline /a/b", "offline /a");
    assertThat(dev.state(b).held).as("a dying cgroup's state still answers").isEqualTo(5);
    assertThat(cgroups.reap()).isEqualTo(2);
    CgroupHandle again = cgroups.mkdir("/a");
    assertThat(again.id()).as("ids of dying cgroups stay taken").isEqualTo(3);
    holding.release(b, 5);
    rec.log.clear();
    assertThat(cgroups.reap()).isZero();
    assertThat(rec.log).containsExactly("free /a/b", "free /a");
  }

  @Test
  void unregisterRefusedWhileHeldThenTearsDownChildrenFirst() {
    TestBinding<State> dev = bindDev0();
    CgroupHandle a = cgroups.mkdir("/a");
    cgroups.mkdir("/a/b");
    CgroupHandle gone = cgroups.mkdir("/gone");
    Holding holding = dev.capability(Holding.class).orElseThrow();
    holding.hold(gone, 1);
    cgroups.rmdir(gone);
    rec.log.clear();
    assertThatThrownBy(dev::unregister).isInstanceOfSatisfying(CgroupException.class,
        e -> assertThat(e.errno()).isEqualTo(Errno.EBUSY)).hasMessageContaining("1 still held");
    assertThat(rec.log).isEmpty();
    assertThat(dev.registered()).isTrue();
    assertThat(dev.read(a, "value")).isEqualTo("0\n");
    holding.release(gone, 1);
    dev.unregister();
    assertThat(rec.log).containsExactly(
        "free /gone", // drained, so reaped as the call begins
        "offline /a/b", "offline /a", "offline /",
        "free /a/b", "free /a", "free /",
        "unbind dev0");
    assertThat(dev.registered()).isFalse();
    assertThat(cgroups.devices()).isEmpty();
    assertThat(errnoOf(() -> a.state(dev.key()))).isEqualTo(Errno.ENODEV);
    assertThat(errnoOf(() -> dev.capability(Holding.class))).isEqualTo(Errno.ENODEV);
    assertThat(errnoOf(() -> dev.read(a, "value"))).isEqualTo(Errno.ENOENT);
    assertThat(errnoOf(dev::unregister)).isEqualTo(Errno.ENODEV);
    // the slot is free again: a new registration gets states in every cgroup
    TestBinding<State> next = bindDev0();
    assertThat(next.state(a)).isNotNull();
  }

  @Test
  void bindRefusalChangesNothingAndTheSpecMustFitTheTree() {
    DeviceSpec noRegion = DeviceSpec.builder("dev0", "fake").controllers("rec").build();
    assertThat(errnoOf(() -> cgroups.bind(rec, noRegion))).isEqualTo(Errno.EINVAL);
    assertThat(cgroups.devices()).isEmpty();
    assertThatThrownBy(() -> cgroups.bind(rec, spec("dev0", "other"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rec");
    assertThatThrownBy(() -> cgroups.bind(rec, spec("dev0", "rec", "other"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("new TestCgroups(");
    assertThatThrownBy(() -> cgroups.bind(new RecordingController(), spec("dev0", "rec")))
        .as("another instance of a controller of the tree").isInstanceOf(IllegalArgumentException.class);
    bindDev0();
    assertThat(errnoOf(this::bindDev0)).isEqualTo(Errno.EEXIST);
  }

  @Test
  void withoutControllersGivenTheFirstBindChoosesTheTreesController() {
    TestCgroups lazy = new TestCgroups();
    RecordingController first = new RecordingController();
    lazy.bind(first, spec("dev0", "rec"));
    assertThat(first.log).startsWith("bind dev0");
    RecordingController other = new RecordingController("other");
    assertThatThrownBy(() -> lazy.bind(other, spec("dev1", "other"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("new TestCgroups(");
    TestCgroups empty = new TestCgroups();
    empty.mkdir("/a");
    assertThatThrownBy(() -> empty.bind(first, spec("dev0", "rec"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDeviceBoundToTwoControllersSharesCapabilitiesAndUnregistersAsOne() {
    RecordingController other = new RecordingController("other");
    TestCgroups two = new TestCgroups(rec, other);
    TestBinding<State> first = two.bind(rec, spec("dev0", "rec", "other"));
    TestBinding<State> second = first.of(other);
    assertThat(other.log).containsExactly("bind dev0", "create / parent -", "online /");
    assertThat(second.key()).isNotEqualTo(first.key());
    CgroupHandle a = two.mkdir("/a");
    assertThat(first.state(a)).isNotSameAs(second.state(a));
    assertThat(first.capability(Holding.class)).as("the first controller by name that offers it")
        .containsSame((Holding) second.binding());
    assertThat(first.capability(String.class)).isEmpty();
    second.unregister();
    assertThat(first.registered()).isFalse();
    assertThat(rec.log).endsWith("unbind dev0");
    assertThat(other.log).endsWith("unbind dev0");
    assertThatThrownBy(() -> bindDev0().of(other)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void filesByDeclaredOrShownNameWithTheFileViewsChecks() {
    TestBinding<State> dev = bindDev0();
    CgroupHandle a = cgroups.mkdir("/a");
    dev.write(a, "rec.value", " 42\n");
    assertThat(dev.read("/a", "value")).isEqualTo("42\n");
    assertThat(dev.readKey(a, "rec.stat", "value")).isEqualTo(42);
    assertThatThrownBy(() -> dev.readKey(a, "stat", "nope")).hasMessageContaining("no key nope in stat of /a");
    assertThat(errnoOf(() -> dev.write(a, "value", "x"))).isEqualTo(Errno.EINVAL);
    assertThat(errnoOf(() -> dev.read(cgroups.root(), "value"))).isEqualTo(Errno.ENOENT);
    assertThatThrownBy(() -> dev.write("/", "value", "1")).hasMessageContaining("/rec.devices/dev0/rec.value");
    assertThat(errnoOf(() -> dev.read(a, "capacity"))).isEqualTo(Errno.ENOENT);
    assertThat(dev.read(cgroups.root(), "capacity")).isEqualTo("100\n");
    assertThat(errnoOf(() -> dev.write(a, "stat", "1"))).isEqualTo(Errno.EACCES);
    assertThat(errnoOf(() -> dev.read(a, "short"))).isEqualTo(Errno.EACCES);
    assertThat(errnoOf(() -> dev.write(a, "short", "123456789"))).isEqualTo(Errno.E2BIG);
    dev.write(a, "short", "12345678");
    assertThat(dev.state(a).value).isEqualTo(8);
    assertThatThrownBy(() -> dev.file("nope")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rec.value");
    assertThat(dev.readHost(a, "rec.host")).isEqualTo("host of /a\n");
    dev.writeHost(a, "host", "hello \n");
    assertThat(rec.log).contains("host /a hello");
    cgroups.rmdir(a);
    assertThat(errnoOf(() -> dev.read(a, "stat"))).isEqualTo(Errno.ENOENT);
  }

  @Test
  void theSameFileHandleCarriesItsAttachment() {
    FakeFileHandle h = new FakeFileHandle();
    assertThat(h.nonBlocking()).isFalse();
    assertThat(h.attachment()).isNull();
    h.attach("mark");
    assertThat(h.attachment()).isEqualTo("mark");
    assertThat(FakeFileHandle.openNonBlocking().nonBlocking()).isTrue();
    assertThat(new FakeFileHandle(false, 7).callerPid()).isEqualTo(7);
  }

  @Test
  void migrationAsksEveryControllerByNameAndCancelsOnRefusal() {
    RecordingController other = new RecordingController("other");
    TestCgroups two = new TestCgroups(rec, other);
    two.bind(rec, spec("dev0", "rec"));
    CgroupHandle a = two.mkdir("/a");
    CgroupHandle b = two.mkdir("/b");
    Task t = two.spawn("worker", a);
    assertThat(t.pid()).isEqualTo(1);
    rec.log.clear();
    other.log.clear();
    rec.refuseAttachTo = "/b";
    assertThat(errnoOf(() -> two.migrate(t, b))).isEqualTo(Errno.ENOSPC);
    assertThat(other.log).as("asked first by name, although no device is bound to it")
        .containsExactly("other canAttach 1 /a -> /b", "other cancelAttach /b");
    assertThat(rec.log).containsExactly("rec canAttach 1 /a -> /b");
    assertThat(t.cgroup().toString()).isEqualTo("/a");
    rec.refuseAttachTo = null;
    rec.log.clear();
    other.log.clear();
    two.migrate(t, b);
    assertThat(other.log).containsExactly("other canAttach 1 /a -> /b", "other attach /b");
    assertThat(rec.log).containsExactly("rec canAttach 1 /a -> /b", "rec attach /b");
    assertThat(t.cgroup().toString()).isEqualTo("/b");
    rec.log.clear();
    two.migrate(t, b);
    assertThat(rec.log).as("moving into its own cgroup runs no hook").isEmpty();
    two.exit(t);
    assertThat(errnoOf(() -> two.migrate(t, a))).isEqualTo(Errno.ESRCH);
  }

  @Test
  void lockedRunsUnderTheHierarchyLock() {
    assertThat(cgroups.holdsLock()).isFalse();
    assertThat(cgroups.locked(cgroups::holdsLock)).isTrue();
    boolean[] held = new boolean[1];
    cgroups.locked(() -> {
      held[0] = cgroups.holdsLock();
    });
    assertThat(held[0]).isTrue();
  }

  @Test
  void errnoOfFailsWhenNothingIsThrown() {
    assertThatThrownBy(() -> errnoOf(() -> {})).isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> errnoOf(() -> {
      throw new IllegalStateException("other");
    })).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theClockOnlyMovesForward() {
    FakeClock clock = new FakeClock();
    assertThat(clock.nanoTime()).isZero();
    assertThat(clock.advance(5)).isEqualTo(5);
    clock.set(10);
    assertThatThrownBy(() -> clock.set(9))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    assertThatThrownBy(() -> clock.advance(-1))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    assertThat(clock.nanoTime()).isEqualTo(10);
    assertThat(clock.advanceTo(7)).as("advanceTo never moves back").isEqualTo(10);
  }
}
