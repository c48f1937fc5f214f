package io.cgdev.drm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.EngineMask;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.Reclaimer;
import io.cgdev.api.spi.TimeSharing;
import io.cgdev.drm.sim.SimClock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

/** Registration with the cgroup framework on its own, against a mocked framework. */
class CgroupLinkTest {
  static final long M = 1 << 20;
  final Object lock = new Object();
  final MemoryRegion smem = MemoryRegion.system("smem", 64 * M);
  final MemoryRegion lmem0 = MemoryRegion.local("lmem0", 16 * M, 64 << 10);
  final MemoryRegion lmem1 = MemoryRegion.local("lmem1", 16 * M, 64 << 10);
  final DriverContext ctx = mock(DriverContext.class);
  final DeviceRegistration tile0 = mock(DeviceRegistration.class);
  final DeviceRegistration tile1 = mock(DeviceRegistration.class);
  final Task task = mock(Task.class);
  final CgroupHandle cg = mock(CgroupHandle.class);

  CgroupLink binding(Set<DriverFeature> features, List<DeviceConfig.CgroupDevice> devices) {
    Map<String, MemoryRegion> regions = new LinkedHashMap<>();
    for (MemoryRegion r : List.of(smem, lmem0, lmem1)) {
      regions.put(r.name(), r);
    }
    DeviceConfig config = new DeviceConfig("gpu.0", "0000:03:00.0", List.copyOf(regions.values()),
        List.of(new EngineSpec("rcs0", "render")), List.of(), devices);
    when(ctx.controllers()).thenReturn(Set.of("memory", "cpu", "cpuset"));
    when(ctx.cgroupOf(task)).thenReturn(cg);
    return new CgroupLink(lock, DrmDriver.of("testgpu", features, Set.of("memory", "cpu", "cpuset")), config, regions, new SimClock());
  }

  CgroupLink twoTiles() {
    return binding(EnumSet.of(DriverFeature.DRIVER_CGROUPS), List.of(
        new DeviceConfig.CgroupDevice("gpu.0", List.of("smem", "lmem0"), true),
        new DeviceConfig.CgroupDevice("gpu.0.tile1", List.of("lmem1"), false)));
  }

  @Test
  void eachRegistrationGetsTheControllersItsResourcesNeed() {
    CgroupLink b = twoTiles();
    ArgumentCaptor<DeviceSpec> specs = ArgumentCaptor.forClass(DeviceSpec.class);
    when(ctx.register(specs.capture())).thenReturn(tile0, tile1);
    assertThat(b.registerAll(ctx, Reclaimer.NONE)).containsExactly(tile0, tile1);
    DeviceSpec first = specs.getAllValues().get(0);
    DeviceSpec second = specs.getAllValues().get(1);
    assertThat(first.controllers()).containsExactlyInAnyOrder("memory", "cpu", "cpuset");
    assertThat(first.reclaimer()).isSameAs(Reclaimer.NONE);
    assertThat(second.name()).isEqualTo("gpu.0.tile1");
    assertThat(second.controllers()).containsExactly("memory");
    assertThat(second.engines()).isEmpty();
  }

  @Test
  void aRefusalUnregistersWhatWasRegisteredLastFirstAndForgetsTheFramework() {
    CgroupLink b = binding(EnumSet.of(DriverFeature.DRIVER_CGROUPS), List.of(
        new DeviceConfig.CgroupDevice("gpu.0", List.of("smem"), true),
        new DeviceConfig.CgroupDevice("gpu.0.tile0", List.of("lmem0"), false),
        new DeviceConfig.CgroupDevice("gpu.0.tile1", List.of("lmem1"), false)));
    synchronized (lock) {
      b.attach(ctx);
    }
    CgroupException refusal = new CgroupException(Errno.EEXIST, "gpu.0.tile1 exists");
    when(ctx.register(any())).thenReturn(tile0, tile1).thenThrow(refusal);
    assertThatThrownBy(() -> b.registerAll(ctx, Reclaimer.NONE)).isSameAs(refusal);
    InOrder order = inOrder(tile0, tile1);
    order.verify(tile1).unregister();
    order.verify(tile0).unregister();
    assertThat(b.cgroupOf(task)).isNull();
    verify(ctx, never()).cgroupOf(any());
  }

  @Test
  void aRegistrationNamingAnUnknownRegionIsRefused() {
    CgroupLink b = binding(EnumSet.of(DriverFeature.DRIVER_CGROUPS),
        List.of(new DeviceConfig.CgroupDevice("gpu.0", List.of("vram"), false)));
    assertThatThrownBy(() -> b.registerAll(ctx, Reclaimer.NONE))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
        .hasMessageContaining("names unknown region vram");
    verify(ctx, never()).register(any());
  }

  @Test
  void withoutDriverCgroupsNothingIsRegisteredChargedOrLookedUp() {
    CgroupLink b = binding(EnumSet.of(DriverFeature.DRIVER_GEM), List.of());
    synchronized (lock) {
      b.attach(ctx);
      b.bind(b.registerAll(ctx, Reclaimer.NONE));
      assertThat(b.charging()).isFalse();
      assertThat(b.charges("smem")).isFalse();
      assertThat(b.timeSharing()).isNull();
      assertThat(b.allowsEngine(cg, 0)).isTrue();
      assertThat(b.allowsRegion(cg, "smem")).isTrue();
    }
    assertThat(b.cgroupOf(task)).isNull();
    verify(ctx, never()).register(any());
    verify(ctx, never()).cgroupOf(any());
  }

  @Test
  void boundCapabilitiesAnswerForTheirRegionsAndEnginesUntilUnbound() {
    CgroupLink b = twoTiles();
    MemoryCharging mc0 = mock(MemoryCharging.class);
    MemoryCharging mc1 = mock(MemoryCharging.class);
    TimeSharing ts = mock(TimeSharing.class);
    EngineMask mask = mock(EngineMask.class);
    when(ctx.register(any())).thenAnswer(inv -> {
      DeviceSpec spec = inv.getArgument(0);
      DeviceRegistration reg = spec.name().equals("gpu.0") ? tile0 : tile1;
      when(reg.spec()).thenReturn(spec);
      return reg;
    });
    when(tile0.capability(MemoryCharging.class)).thenReturn(Optional.of(mc0));
    when(tile0.capability(TimeSharing.class)).thenReturn(Optional.of(ts));
    when(tile0.capability(EngineMask.class)).thenReturn(Optional.of(mask));
    when(tile1.capability(MemoryCharging.class)).thenReturn(Optional.of(mc1));
    when(mc0.region("lmem0")).thenReturn(1);
    when(mc1.region("lmem1")).thenReturn(0);
    when(mask.allowsRegion(cg, 1)).thenReturn(false); // lmem0 is the engines registration's region 1
    when(mask.allowsEngine(any(), anyInt())).thenReturn(true);
    synchronized (lock) {
      b.attach(ctx);
    }
    List<DeviceRegistration> done = b.registerAll(ctx, Reclaimer.NONE);
    synchronized (lock) {
      b.bind(done);
      assertThat(b.charges("lmem0")).isTrue();
      MemoryCharging.Pool p0 = mock(MemoryCharging.Pool.class);
      MemoryCharging.Pool p1 = mock(MemoryCharging.Pool.class);
      when(mc0.charge(cg, 1, 5)).thenReturn(p0);
      when(mc1.tryCharge(cg, 0, 7)).thenReturn(p1);
      assertThat(b.charge("lmem0", cg, 5)).isEqualTo(new GemCharge(mc0, p0));
      assertThat(b.tryCharge("lmem1", cg, 7)).isEqualTo(new GemCharge(mc1, p1));
      assertThat(b.timeSharing()).isSameAs(ts);
      assertThat(b.allowsRegion(cg, "lmem0")).isFalse();
      assertThat(b.allowsRegion(cg, "lmem1")).as("not governed by cpuset").isTrue();
      assertThat(b.allowsRegion(null, "lmem0")).as("no cgroup, no cpuset").isTrue();
    }
    assertThat(b.cgroupOf(task)).isSameAs(cg);
    ArgumentCaptor<EngineMask.Listener> listener = ArgumentCaptor.forClass(EngineMask.Listener.class);
    AutoCloseable subscription = mock(AutoCloseable.class);
    when(mask.onChange(listener.capture())).thenReturn(subscription);
    b.subscribeMasks();
    assertThat(b.takeMasksChanged()).as("binding changed what allowsEngine answers (the scheduler caches it)").isTrue();
    assertThat(b.takeMasksChanged()).isFalse();
    listener.getValue().masksChanged(cg);
    assertThat(b.takeMasksChanged()).isTrue();
    assertThat(b.takeMasksChanged()).as("the flag is taken once").isFalse();
    List<DeviceRegistration> regs;
    synchronized (lock) {
      regs = b.unbind();
      assertThat(b.takeMasksChanged()).as("unbound: every engine allowed from now on").isTrue();
      assertThat(b.charging()).isFalse();
      assertThat(b.timeSharing()).isNull();
    }
    assertThat(b.cgroupOf(task)).isNull();
    b.unregisterAll(regs);
    InOrder order = inOrder(tile0, tile1);
    order.verify(tile1).unregister();
    order.verify(tile0).unregister();
  }
}
