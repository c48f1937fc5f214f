package io.cgdev.controller.cpuset;

import static io.cgdev.testkit.Errnos.errnoOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.EngineMask;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.testkit.TestBinding;
import io.cgdev.testkit.TestCgroups;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineMaskTest {
  /** Starts a task in the root and moves it to {@code path}, through the controller's attach hooks. */
  private static void moveNewTask(TestCgroups cgroups, String path) {
    cgroups.migrate(cgroups.spawn("t", cgroups.root()), cgroups.cgroup(path));
  }

  @Test
  void queriesMatchTheFiles() {
    TestCgroups cgroups = new TestCgroups();
    TestBinding<CpusetState> gpu = cgroups.bind(new CpusetController(), TestDevices.gpu0(6, 3));
    CgroupHandle a = cgroups.mkdir("/a");
    gpu.write("/a", "cpus", "1,3-4");
    gpu.write("/a", "mems", "2");
    EngineMask m = TestDevices.mask(gpu);
    assertThat(m.engines(a)).isEqualTo(BitSet.valueOf(new long[] {0b11010}));
    assertThat(m.regions(a)).isEqualTo(BitSet.valueOf(new long[] {0b100}));
    for (int e = -1; e < 70; e++) {
      assertThat(m.allowsEngine(a, e)).as("engine %d", e).isEqualTo(e == 1 || e == 3 || e == 4);
    }
    assertThat(m.allowsRegion(a, 2)).isTrue();
    assertThat(m.allowsRegion(a, 0)).isFalse();
    assertThat(m.engines(cgroups.root()).cardinality()).isEqualTo(6);
    // the returned set is a copy
    m.engines(a).clear();
    assertThat(m.allowsEngine(a, 1)).isTrue();
  }

  @Test
  void listenersHearTheTopmostChangedCgroupOnly() throws Exception {
    TestCgroups cgroups = new TestCgroups();
    TestBinding<CpusetState> gpu = cgroups.bind(new CpusetController(), TestDevices.gpu0(4, 1));
    CgroupHandle a = cgroups.mkdir("/a");
    cgroups.mkdir("/a/b");
    cgroups.mkdir("/a/b/c");
    CgroupHandle d = cgroups.mkdir("/d");
    List<CgroupHandle> heard = new ArrayList<>();
    AutoCloseable sub = TestDevices.mask(gpu).onChange(heard::add);
    gpu.write("/a", "cpus", "0-1");
    assertThat(heard).containsExactly(a);
    heard.clear();
    gpu.write("/a", "cpus", "0-1");
    gpu.write("/a/b/c", "cpus", "3");
    assertThat(heard).as("no effective change, no call").isEmpty();
    gpu.write("/d", "cpus", "2");
    gpu.write("/d", "mems", "0");
    assertThat(heard).containsExactly(d);
    heard.clear();
    // a partition under the root shrinks the root: the root is the topmost change
    gpu.write("/d", "cpus.partition", "root");
    assertThat(heard).containsExactly(cgroups.root());
    heard.clear();
    sub.close();
    gpu.write("/a", "cpus", "1");
    assertThat(heard).isEmpty();
  }

  @Test
  void aFailingListenerDoesNotFailTheWrite() {
    TestCgroups cgroups = new TestCgroups();
    TestBinding<CpusetState> gpu = cgroups.bind(new CpusetController(), TestDevices.gpu0(2, 1));
    cgroups.mkdir("/a");
    List<CgroupHandle> heard = new ArrayList<>();
    TestDevices.mask(gpu).onChange(cg -> {
      throw new IllegalStateException("driver bug");
    });
    TestDevices.mask(gpu).onChange(heard::add);
    gpu.write("/a", "cpus", "1");
    assertThat(gpu.read("/a", "cpus.effective")).isEqualTo("1\n");
    assertThat(heard).hasSize(1);
  }

  @Test
  void attachIsRefusedWhereNoEngineIsLeft() {
    // the kernel's "Distribute all cpus to child partition" case
    TestCgroups cgroups = new TestCgroups();
    TestBinding<CpusetState> gpu = cgroups.bind(new CpusetController(), TestDevices.gpu0(4, 1));
    cgroups.mkdir("/test");
    gpu.write("/test", "cpus", "2-3");
    gpu.write("/test", "cpus.partition", "root");
    cgroups.mkdir("/test/A1");
    gpu.write("/test/A1", "cpus", "2-3");
    gpu.write("/test/A1", "cpus.partition", "root");
    assertThat(gpu.read("/test/A1", "cpus.effective")).isEqualTo("2-3\n");
    assertThat(gpu.read("/test", "cpus.effective")).isEqualTo("\n");
    assertThatThrownBy(() -> moveNewTask(cgroups, "/test"))
        .isInstanceOf(CgroupException.class)
        .hasMessageContaining("/test")
        .hasMessageContaining("gpu0")
        .extracting(e -> ((CgroupException) e).errno())
        .isEqualTo(Errno.ENOSPC);
    moveNewTask(cgroups, "/test/A1");
    gpu.write("/test/A1", "cpus", "2");
    assertThat(gpu.read("/test", "cpus.effective")).isEqualTo("3\n");
    moveNewTask(cgroups, "/test");
    gpu.write("/test/A1", "cpus", "2-3");
    assertThat(errnoOf(() -> moveNewTask(cgroups, "/test"))).isEqualTo(Errno.ENOSPC);
  }

  @Test
  void aDeviceWithoutEnginesNeverRefusesAttach() {
    TestCgroups cgroups = new TestCgroups();
    TestBinding<CpusetState> gpu = cgroups.bind(new CpusetController(), TestDevices.gpu0(0, 2));
    cgroups.mkdir("/a");
    assertThat(gpu.read("/a", "cpus.effective")).isEqualTo("\n");
    moveNewTask(cgroups, "/a");
    assertThat(TestDevices.mask(gpu).allowsRegion(cgroups.cgroup("/a"), 1)).isTrue();
  }

  @Test
  void bindRejectsWhatOneLongCannotHoldAndEmptyDevices() {
    assertThat(errnoOf(() -> new TestCgroups().bind(new CpusetController(), TestDevices.gpu0(65, 1)))).isEqualTo(Errno.EINVAL);
    assertThat(errnoOf(() -> new TestCgroups().bind(new CpusetController(), TestDevices.gpu0(1, 65)))).isEqualTo(Errno.EINVAL);
    assertThat(errnoOf(() -> new TestCgroups().bind(new CpusetController(), TestDevices.gpu0(0, 0)))).isEqualTo(Errno.EINVAL);
    TestCgroups cgroups = new TestCgroups();
    TestBinding<CpusetState> gpu = cgroups.bind(new CpusetController(), TestDevices.gpu0(64, 64));
    CgroupHandle a = cgroups.mkdir("/a");
    assertThat(gpu.read("/", "cpus.effective")).isEqualTo("0-63\n");
    gpu.write("/a", "cpus", "63");
    assertThat(TestDevices.mask(gpu).allowsEngine(a, 63)).isTrue();
    assertThat(TestDevices.mask(gpu).allowsEngine(a, 62)).isFalse();
    assertThat(errnoOf(() -> gpu.write("/a", "cpus", "64"))).isEqualTo(Errno.EINVAL);
  }

  @Test
  void afterUnbindEveryCapabilityCallIsEnodev() {
    TestCgroups cgroups = new TestCgroups();
    TestBinding<CpusetState> gpu = cgroups.bind(new CpusetController(), TestDevices.gpu0(2, 1));
    CgroupHandle a = cgroups.mkdir("/a");
    EngineMask m = TestDevices.mask(gpu);
    gpu.unregister();
    assertThat(errnoOf(() -> m.engines(a))).isEqualTo(Errno.ENODEV);
    assertThat(errnoOf(() -> m.regions(a))).isEqualTo(Errno.ENODEV);
    assertThat(errnoOf(() -> m.allowsEngine(a, 0))).isEqualTo(Errno.ENODEV);
    assertThat(errnoOf(() -> m.allowsRegion(a, 0))).isEqualTo(Errno.ENODEV);
    assertThat(errnoOf(() -> m.onChange(cg -> {}))).isEqualTo(Errno.ENODEV);
    // a later migration no longer consults the gone device
    cgroups.migrate(cgroups.spawn("t", a), cgroups.root());
  }

  @Test
  void aRemovedCgroupKeepsItsLastMasksEvenWhenItsSlotIsReused() {
    TestCgroups cgroups = new TestCgroups();
    TestBinding<CpusetState> gpu = cgroups.bind(new CpusetController(), TestDevices.gpu0(4, 1));
    CgroupHandle a = cgroups.mkdir("/a");
    gpu.write("/a", "cpus", "0");
    CpusetState stateOfA = gpu.state(a);
    cgroups.rmdir("/a");
    CgroupHandle b = cgroups.mkdir("/b");
    gpu.write("/b", "cpus", "3");
    assertThat(gpu.state(b).slot()).isEqualTo(stateOfA.slot());
    assertThat(stateOfA.effective().cpus()).isEqualTo(0b1);
    assertThat(TestDevices.mask(gpu).allowsEngine(b, 3)).isTrue();
  }

  @Test
  void specWithNamedEngines() {
    DeviceSpec spec =
        DeviceSpec.builder("i915.0", "i915")
            .controllers("cpuset")
            .engine(new EngineSpec("rcs0", "render"))
            .engine(new EngineSpec("bcs0", "copy"))
            .region(new RegionSpec("smem", 1 << 30))
            .region(new RegionSpec("lmem0", 1 << 30))
            .build();
    TestCgroups cgroups = new TestCgroups();
    TestBinding<CpusetState> gpu = cgroups.bind(new CpusetController(), spec);
    assertThat(gpu.read("/", "cpus.names")).isEqualTo("0 rcs0\n1 bcs0\n");
    assertThat(gpu.read("/", "mems.names")).isEqualTo("0 smem\n1 lmem0\n");
  }
}
