package io.cgdev.controller.cpuset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.EngineMask;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.RegionSpec;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineMaskTest {
  private static Errno errno(Runnable r) {
    try {
      r.run();
    } catch (CgroupException e) {
      return e.errno();
    }
    throw new AssertionError("expected a CgroupException");
  }

  @Test
  void queriesMatchTheFiles() {
    FakeHierarchy h = new FakeHierarchy(6, 3);
    FakeHierarchy.Cg a = h.mkdir("/a");
    h.write("/a", "cpus", "1,3-4");
    h.write("/a", "mems", "2");
    EngineMask m = h.mask();
    assertThat(m.engines(a)).isEqualTo(BitSet.valueOf(new long[] {0b11010}));
    assertThat(m.regions(a)).isEqualTo(BitSet.valueOf(new long[] {0b100}));
    for (int e = -1; e < 70; e++) {
      assertThat(m.allowsEngine(a, e)).as("engine %d", e).isEqualTo(e == 1 || e == 3 || e == 4);
    }
    assertThat(m.allowsRegion(a, 2)).isTrue();
    assertThat(m.allowsRegion(a, 0)).isFalse();
    assertThat(m.engines(h.root).cardinality()).isEqualTo(6);
    // the returned set is a copy
    m.engines(a).clear();
    assertThat(m.allowsEngine(a, 1)).isTrue();
  }

  @Test
  void listenersHearTheTopmostChangedCgroupOnly() throws Exception {
    FakeHierarchy h = new FakeHierarchy(4, 1);
    FakeHierarchy.Cg a = h.mkdir("/a");
    h.mkdir("/a/b");
    h.mkdir("/a/b/c");
    FakeHierarchy.Cg d = h.mkdir("/d");
    List<CgroupHandle> heard = new ArrayList<>();
    AutoCloseable sub = h.mask().onChange(heard::add);
    h.write("/a", "cpus", "0-1");
    assertThat(heard).containsExactly(a);
    heard.clear();
    h.write("/a", "cpus", "0-1");
    h.write("/a/b/c", "cpus", "3");
    assertThat(heard).as("no effective change, no call").isEmpty();
    h.write("/d", "cpus", "2");
    h.write("/d", "mems", "0");
    assertThat(heard).containsExactly(d);
    heard.clear();
    // a partition under the root shrinks the root: the root is the topmost change
    h.write("/d", "cpus.partition", "root");
    assertThat(heard).containsExactly(h.root);
    heard.clear();
    sub.close();
    h.write("/a", "cpus", "1");
    assertThat(heard).isEmpty();
  }

  @Test
  void aFailingListenerDoesNotFailTheWrite() {
    FakeHierarchy h = new FakeHierarchy(2, 1);
    h.mkdir("/a");
    List<CgroupHandle> heard = new ArrayList<>();
    h.mask().onChange(cg -> {
      throw new IllegalStateException("driver bug");
    });
    h.mask().onChange(heard::add);
    h.write("/a", "cpus", "1");
    assertThat(h.read("/a", "cpus.effective")).isEqualTo("1\n");
    assertThat(heard).hasSize(1);
  }

  @Test
  void attachIsRefusedWhereNoEngineIsLeft() {
    // the kernel's "Distribute all cpus to child partition" case
    FakeHierarchy h = new FakeHierarchy(4, 1);
    h.mkdir("/test");
    h.write("/test", "cpus", "2-3");
    h.write("/test", "cpus.partition", "root");
    h.mkdir("/test/A1");
    h.write("/test/A1", "cpus", "2-3");
    h.write("/test/A1", "cpus.partition", "root");
    assertThat(h.read("/test/A1", "cpus.effective")).isEqualTo("2-3\n");
    assertThat(h.read("/test", "cpus.effective")).isEqualTo("\n");
    assertThatThrownBy(() -> h.canAttach("/test"))
        .isInstanceOf(CgroupException.class)
        .hasMessageContaining("/test")
        .hasMessageContaining("gpu0")
        .extracting(e -> ((CgroupException) e).errno())
        .isEqualTo(Errno.ENOSPC);
    h.canAttach("/test/A1");
    h.write("/test/A1", "cpus", "2");
    assertThat(h.read("/test", "cpus.effective")).isEqualTo("3\n");
    h.canAttach("/test");
    h.write("/test/A1", "cpus", "2-3");
    assertThat(errno(() -> h.canAttach("/test"))).isEqualTo(Errno.ENOSPC);
  }

  @Test
  void aDeviceWithoutEnginesNeverRefusesAttach() {
    FakeHierarchy h = new FakeHierarchy(0, 2);
    h.mkdir("/a");
    assertThat(h.read("/a", "cpus.effective")).isEqualTo("\n");
    h.canAttach("/a");
    assertThat(h.mask().allowsRegion(h.cg("/a"), 1)).isTrue();
  }

  @Test
  void bindRejectsWhatOneLongCannotHoldAndEmptyDevices() {
    assertThat(errno(() -> new FakeHierarchy(65, 1))).isEqualTo(Errno.EINVAL);
    assertThat(errno(() -> new FakeHierarchy(1, 65))).isEqualTo(Errno.EINVAL);
    assertThat(errno(() -> new FakeHierarchy(0, 0))).isEqualTo(Errno.EINVAL);
    FakeHierarchy h = new FakeHierarchy(64, 64);
    FakeHierarchy.Cg a = h.mkdir("/a");
    assertThat(h.read("/", "cpus.effective")).isEqualTo("0-63\n");
    h.write("/a", "cpus", "63");
    assertThat(h.mask().allowsEngine(a, 63)).isTrue();
    assertThat(h.mask().allowsEngine(a, 62)).isFalse();
    assertThat(errno(() -> h.write("/a", "cpus", "64"))).isEqualTo(Errno.EINVAL);
  }

  @Test
  void afterUnbindEveryCapabilityCallIsEnodev() {
    FakeHierarchy h = new FakeHierarchy(2, 1);
    FakeHierarchy.Cg a = h.mkdir("/a");
    EngineMask m = h.mask();
    h.unregister();
    assertThat(errno(() -> m.engines(a))).isEqualTo(Errno.ENODEV);
    assertThat(errno(() -> m.regions(a))).isEqualTo(Errno.ENODEV);
    assertThat(errno(() -> m.allowsEngine(a, 0))).isEqualTo(Errno.ENODEV);
    assertThat(errno(() -> m.allowsRegion(a, 0))).isEqualTo(Errno.ENODEV);
    assertThat(errno(() -> m.onChange(cg -> {}))).isEqualTo(Errno.ENODEV);
    // a later migration no longer consults the gone device
    FakeHierarchy other = new FakeHierarchy(1, 1);
    other.canAttach("/");
  }

  @Test
  void aRemovedCgroupKeepsItsLastMasksEvenWhenItsSlotIsReused() {
    FakeHierarchy h = new FakeHierarchy(4, 1);
    FakeHierarchy.Cg a = h.mkdir("/a");
    h.write("/a", "cpus", "0");
    CpusetState stateOfA = a.state;
    h.rmdir("/a");
    FakeHierarchy.Cg b = h.mkdir("/b");
    h.write("/b", "cpus", "3");
    assertThat(b.state.slot()).isEqualTo(stateOfA.slot());
    assertThat(stateOfA.effective().cpus()).isEqualTo(0b1);
    assertThat(h.mask().allowsEngine(b, 3)).isTrue();
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
    FakeHierarchy h = new FakeHierarchy(spec);
    assertThat(h.read("/", "cpus.names")).isEqualTo("0 rcs0\n1 bcs0\n");
    assertThat(h.read("/", "mems.names")).isEqualTo("0 smem\n1 lmem0\n");
  }
}
