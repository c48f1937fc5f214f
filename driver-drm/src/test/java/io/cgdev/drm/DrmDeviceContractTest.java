package io.cgdev.drm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.EngineMask;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.ReclaimRequest;
import io.cgdev.api.spi.TimeSharing;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

/** The driver-to-capability contracts, against mocked capabilities. */
class DrmDeviceContractTest {
  static final long M = 1 << 20;
  static final int LMEM = 0; // the registration's one device-memory region

  DriverContext ctx = mock(DriverContext.class);
  DeviceRegistration reg = mock(DeviceRegistration.class);
  MemoryCharging mc = mock(MemoryCharging.class);
  TimeSharing ts = mock(TimeSharing.class);
  EngineMask mask = mock(EngineMask.class);
  CgroupHandle root = handle("/", null);
  CgroupHandle cgA = handle("/a", root);
  CgroupHandle cgB = handle("/b", root);
  Task task = mock(Task.class);
  List<DeviceSpec> specs = new ArrayList<>();

  static CgroupHandle handle(String path, CgroupHandle parent) {
    CgroupHandle h = mock(CgroupHandle.class);
    when(h.path()).thenReturn(CgroupPath.parse(path));
    when(h.parent()).thenReturn(parent);
    when(h.isDescendantOf(any())).thenCallRealMethod();
    when(h.online()).thenReturn(true);
    return h;
  }

  /** What the mocked controller hands out as the pool of a cgroup and region. */
  record TestPool(CgroupHandle cgroup, int region) implements MemoryCharging.Pool {}

  static MemoryCharging.Pool pool(CgroupHandle cgroup, int region) {
    return new TestPool(cgroup, region);
  }

  /** What the mocked controller hands out as the swap pool of a cgroup. */
  record TestSwap(CgroupHandle cgroup) implements MemoryCharging.SwapPool {}

  static DrmDevice device(Set<DriverFeature> features) {
    return new DrmDevice(
        DrmDriver.of("testgpu", features, Set.of("memory", "cpu", "cpuset")),
        new DeviceConfig(
            "gpu.0",
            "0000:03:00.0",
            List.of(MemoryRegion.system("smem", 1024 * M), MemoryRegion.local("lmem0", 64 * M, 64 << 10)),
            List.of(new EngineSpec("rcs0", "render"), new EngineSpec("vcs0", "video"), new EngineSpec("vcs1", "video")),
            List.of("lmem0", "smem"),
            List.of()));
  }

  @BeforeEach
  void wire() {
    when(task.name()).thenReturn("app");
    when(task.alive()).thenReturn(true);
    when(ctx.controllers()).thenReturn(Set.of("memory", "cpu", "cpuset"));
    when(ctx.root()).thenReturn(root);
    when(ctx.cgroupOf(task)).thenReturn(cgA);
    when(ctx.register(any())).thenAnswer(inv -> {
      specs.add(inv.getArgument(0));
      when(reg.spec()).thenReturn(inv.getArgument(0));
      return reg;
    });
    when(reg.capability(MemoryCharging.class)).thenReturn(Optional.of(mc));
    when(reg.capability(TimeSharing.class)).thenReturn(Optional.of(ts));
    when(reg.capability(EngineMask.class)).thenReturn(Optional.of(mask));
    when(mc.charge(any(), anyInt(), anyLong())).thenAnswer(inv -> pool(inv.getArgument(0), inv.getArgument(1)));
    when(mc.tryCharge(any(), anyInt(), anyLong())).thenAnswer(inv -> pool(inv.getArgument(0), inv.getArgument(1)));
    when(mc.region("lmem0")).thenReturn(LMEM);
    when(mc.swapOut(any(), anyLong())).thenAnswer(inv -> new TestSwap(((MemoryCharging.Pool) inv.getArgument(0)).cgroup()));
    when(mc.swapIn(any(), anyLong())).thenAnswer(inv -> pool(((MemoryCharging.SwapPool) inv.getArgument(0)).cgroup(), LMEM));
    when(mask.allowsEngine(any(), anyInt())).thenReturn(true);
    when(mask.allowsRegion(any(), anyInt())).thenReturn(true);
  }

  DrmDevice registered() {
    DrmDevice d = device(EnumSet.of(DriverFeature.DRIVER_GEM, DriverFeature.DRIVER_CGROUPS));
    d.register(ctx);
    return d;
  }

  @Test
  void driverCgroupsRegistersThePresentControllersWithRegionsEnginesAndPdev() {
    when(ctx.controllers()).thenReturn(Set.of("memory", "cpuset", "gem"));
    registered();
    assertThat(specs).hasSize(1);
    DeviceSpec s = specs.get(0);
    assertThat(s.name()).isEqualTo("gpu.0");
    assertThat(s.driver()).isEqualTo("testgpu");
    assertThat(s.controllers()).containsExactlyInAnyOrder("memory", "cpuset");
    assertThat(s.regions()).extracting(r -> r.name()).containsExactly("smem", "lmem0");
    assertThat(s.regions()).extracting(r -> r.host()).as("system memory is host memory, never charged")
        .containsExactly(true, false);
    assertThat(s.engines()).extracting(EngineSpec::name).containsExactly("rcs0", "vcs0", "vcs1");
    assertThat(s.attributes()).containsEntry("pdev", "0000:03:00.0")
        .containsEntry("dmem.region", "drm/0000:03:00.0/lmem0");
  }

  @Test
  void withoutDriverCgroupsNothingIsRegisteredOrCharged() {
    DrmDevice d = device(EnumSet.of(DriverFeature.DRIVER_GEM));
    d.register(ctx);
    DrmFile f = d.open(task);
    int h = f.createGem(4 * M);
    assertThat(f.object(h).chargedTo()).isNull();
    f.closeHandle(h);
    verify(ctx, never()).register(any());
    verify(ctx, never()).cgroupOf(any());
    assertThat(d.registrations()).isEmpty();
    d.unplug();
  }

  @Test
  void clientsThatRanAreListedOnceEachUntilTakenAndOnlyThose() {
    DrmDevice d = device(EnumSet.of(DriverFeature.DRIVER_GEM)); // round-robin: no cpu controller in the way
    d.register(ctx);
    DrmFile a = d.open(task);
    DrmFile b = d.open(task);
    DrmFile idle = d.open(task);
    d.submit(a, "render", 3_000_000);
    d.runFor(1_000_000);
    assertThat(d.takeClientsThatRan()).as("the first call starts the recording").isEmpty();
    d.submit(b, "video", 500_000);
    d.runFor(1_500_000); // a runs two more slices, b its whole batch
    long ranA = a.runtime("render");
    assertThat(d.takeClientsThatRan()).containsExactlyInAnyOrder(a, b);
    assertThat(d.takeClientsThatRan()).as("taken: nothing ran since").isEmpty();
    d.runFor(1_000_000); // a finishes its last 0.5 ms
    assertThat(a.runtime("render")).isGreaterThan(ranA);
    assertThat(d.takeClientsThatRan()).containsExactly(a);
    assertThat(idle.runtime("render") + idle.runtime("video")).isZero();
    a.close();
    b.close();
    idle.close();
    d.unplug();
  }

  @Test
  void withoutAnyOfferedControllerPresentNothingIsRegistered() {
    when(ctx.controllers()).thenReturn(Set.of("io"));
    DrmDevice d = registered();
    assertThat(d.registrations()).isEmpty();
    assertThat(d.charging()).isFalse();
  }

  @Test
  void createChargesTheCreatorsCgroupAndTheLastReferenceUncharges() {
    DrmDevice d = registered();
    DrmFile f = d.open(task);
    int h = f.createGem(3 * M + 1); // page aligned up
    assertThat(h).isEqualTo(1);
    GemObject o = f.object(h);
    assertThat(o.size()).isEqualTo(3 * M + 4096);
    assertThat(o.region()).isEqualTo("lmem0");
    assertThat(o.chargedTo()).isSameAs(cgA);
    verify(mc).charge(cgA, LMEM, o.size());
    f.closeHandle(h);
    verify(mc).uncharge(pool(cgA, LMEM), o.size());
    assertThat(o.live()).isFalse();
    assertThatThrownBy(() -> f.closeHandle(h)).extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.EINVAL);
  }

  @Test
  void aRefusedChargeFallsBackToTheNextPlacementAndThenFailsWithEnospc() {
    DrmDevice d = registered();
    DrmFile f = d.open(task);
    doThrow(new CgroupException(Errno.ENOSPC, "over max")).when(mc).charge(any(), eq(LMEM), anyLong());
    int h = f.createGem(M);
    assertThat(f.object(h).region()).isEqualTo("smem");
    assertThat(f.object(h).chargedTo()).as("host memory is not charged to the device's controller").isNull();
    verify(mc, times(1)).charge(any(), anyInt(), anyLong());
    assertThatThrownBy(() -> f.createGem(M, "lmem0"))
        .isInstanceOf(CgroupException.class)
        .extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ENOSPC);
    assertThat(f.handles()).containsExactly(h);
    assertThat(d.memoryStats().get(1).failedAllocations()).isEqualTo(2);
  }

  @Test
  void aMovedTaskKeepsOldChargesWhereTheyWereAndChargesNewObjectsToItsNewCgroup() {
    DrmDevice d = registered();
    DrmFile f = d.open(task);
    int h1 = f.createGem(M);
    when(ctx.cgroupOf(task)).thenReturn(cgB);
    int h2 = f.createGem(2 * M);
    assertThat(f.object(h1).chargedTo()).isSameAs(cgA);
    assertThat(f.object(h2).chargedTo()).isSameAs(cgB);
    f.closeHandle(h1);
    verify(mc).uncharge(pool(cgA, LMEM), M);
    f.close();
    verify(mc).uncharge(pool(cgB, LMEM), 2 * M);
  }

  @Test
  void primeSharingChargesOnceAndTheCreatorKeepsTheCharge() {
    DrmDevice d = registered();
    DrmFile creator = d.open(task);
    Task other = mock(Task.class);
    when(other.alive()).thenReturn(true);
    when(ctx.cgroupOf(other)).thenReturn(cgB);
    DrmFile importer = d.open(other);
    int h = creator.createGem(4 * M);
    int imported;
    try (DmaBuf buf = creator.exportPrime(h)) {
      imported = importer.importPrime(buf);
      assertThat(importer.importPrime(buf)).as("same object, same handle").isEqualTo(imported);
    }
    GemObject o = importer.object(imported);
    assertThat(o).isSameAs(creator.object(h));
    assertThat(o.handleCount()).isEqualTo(2);
    assertThat(creator.fdinfo()).contains("drm-shared-lmem0:\t4 MiB");
    creator.closeHandle(h);
    verify(mc, never()).uncharge(any(MemoryCharging.Pool.class), anyLong());
    assertThat(o.chargedTo()).isSameAs(cgA);
    importer.closeHandle(imported);
    verify(mc, times(1)).charge(any(), anyInt(), anyLong());
    verify(mc).uncharge(pool(cgA, LMEM), 4 * M);
    verify(mc, never()).charge(eq(cgB), anyInt(), anyLong());
  }

  @Test
  void aClosedDmaBufCannotBeImported() {
    DrmDevice d = registered();
    DrmFile f = d.open(task);
    DmaBuf buf = f.exportPrime(f.createGem(M));
    buf.close();
    assertThatThrownBy(() -> d.open(task).importPrime(buf))
        .extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.EBADF);
  }

  static ReclaimRequest request(String region, long bytes, CgroupHandle scope, Predicate<CgroupHandle> may) {
    return new ReclaimRequest() {
      @Override public String region() { return region; }
      @Override public long bytes() { return bytes; }
      @Override public CgroupHandle scope() { return scope; }
      @Override public boolean mayEvict(CgroupHandle owner) { return may.test(owner); }
    };
  }

  @Test
  void reclaimEvictsIdleUnpinnedObjectsInLruOrderThatTheControllerAllowsAndTheChargeFollows() {
    DrmDevice d = registered();
    DrmFile f = d.open(task);
    Task other = mock(Task.class);
    when(other.alive()).thenReturn(true);
    when(ctx.cgroupOf(other)).thenReturn(cgB);
    DrmFile g = d.open(other);
    int a1 = f.createGem(4 * M);
    int b1 = g.createGem(4 * M);
    int a2 = f.createGem(4 * M);
    int a3 = f.createGem(4 * M);
    f.object(a2).pin();
    d.submit(f, "render", 1000, a3); // active until it ran
    long freed = specs.get(0).reclaimer().reclaim(request("lmem0", 6 * M, root, owner -> owner != cgB));
    assertThat(freed).isEqualTo(4 * M); // only a1 may go: b1 protected, a2 pinned, a3 active
    assertThat(f.object(a1).region()).isEqualTo("smem");
    assertThat(g.object(b1).region()).isEqualTo("lmem0");
    verify(mc).swapOut(pool(cgA, LMEM), 4 * M); // the charge moves from memory to swap
    verify(mc, never()).uncharge(any(MemoryCharging.Pool.class), anyLong());
    assertThat(f.object(a1).swapped()).isTrue();
    assertThat(f.object(a1).chargedTo()).isSameAs(cgA);
    assertThat(f.object(a1).evictions()).isEqualTo(1);
    assertThat(d.memoryStats().get(1).evictions()).isEqualTo(1);
    // scope limits the victims to the limiting cgroup's subtree
    assertThat(specs.get(0).reclaimer().reclaim(request("lmem0", 4 * M, cgB, owner -> true))).isEqualTo(4 * M);
    assertThat(g.object(b1).region()).isEqualTo("smem");
    // nothing to evict out of system memory
    assertThat(specs.get(0).reclaimer().reclaim(request("smem", M, root, owner -> true))).isZero();
  }

  @Test
  void aVictimWhoseSwapOutIsRefusedStaysWhereItIs() {
    DrmDevice d = registered();
    DrmFile f = d.open(task);
    int h = f.createGem(4 * M);
    doReturn(null).when(mc).swapOut(pool(cgA, LMEM), 4 * M); // memory.swap.max
    assertThat(specs.get(0).reclaimer().reclaim(request("lmem0", M, root, o -> true))).isZero();
    assertThat(f.object(h).region()).isEqualTo("lmem0");
    assertThat(f.object(h).swapped()).isFalse();
    assertThat(d.memoryStats().get(0).used()).as("the system region gave back what it reserved").isZero();
  }

  @Test
  void migrateEvictsToSwapAndBringsBackWithASwapIn() {
    DrmDevice d = registered();
    DrmFile f = d.open(task);
    int h = f.createGem(4 * M);
    f.migrate(h, "smem");
    GemObject o = f.object(h);
    assertThat(o.region()).isEqualTo("smem");
    assertThat(o.swapped()).isTrue();
    verify(mc).swapOut(pool(cgA, LMEM), 4 * M);
    f.migrate(h, "lmem0");
    assertThat(o.region()).isEqualTo("lmem0");
    assertThat(o.swapped()).isFalse();
    verify(mc).swapIn(new TestSwap(cgA), 4 * M);
    doReturn(null).when(mc).swapOut(any(), anyLong());
    assertThatThrownBy(() -> f.migrate(h, "smem")).hasMessageContaining("memory.swap.max of /a")
        .extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ENOSPC);
    assertThat(o.region()).isEqualTo("lmem0");
    o.pin();
    assertThatThrownBy(() -> f.migrate(h, "smem")).extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.EBUSY);
    o.unpin();
    int only = f.createGem(M, "lmem0");
    assertThatThrownBy(() -> f.migrate(only, "smem")).hasMessageContaining("not in its placement list")
        .extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.EINVAL);
    f.close();
    verify(mc).uncharge(pool(cgA, LMEM), 4 * M);
  }

  @Test
  void aSwapInThatTheControllerRefusesLeavesTheObjectInSystemMemory() {
    DrmDevice d = registered();
    DrmFile f = d.open(task);
    int h = f.createGem(4 * M);
    f.migrate(h, "smem");
    doThrow(new CgroupException(Errno.ENOSPC, "memory.max")).when(mc).swapIn(any(), anyLong());
    assertThatThrownBy(() -> f.migrate(h, "lmem0")).extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ENOSPC);
    assertThat(f.object(h).region()).isEqualTo("smem");
    assertThat(f.object(h).swapped()).isTrue();
    assertThat(d.memoryStats().get(1).used()).as("lmem0 gave back the room it reserved").isZero();
    f.close();
    verify(mc).uncharge(new TestSwap(cgA), 4 * M);
  }

  @Test
  void anObjectCreatedInHostMemoryIsChargedWhenItMovesToDeviceMemory() {
    DrmDevice d = registered();
    DrmFile f = d.open(task);
    int h = f.createGem(M, "smem", "lmem0");
    assertThat(f.object(h).chargedTo()).isNull();
    f.migrate(h, "lmem0");
    verify(mc).charge(cgA, LMEM, M);
    assertThat(f.object(h).chargedTo()).isSameAs(cgA);
  }

  @Test
  void theControllerMayReclaimFromInsideAChargeOnTheSameThread() {
    DrmDevice d = registered();
    DrmFile f = d.open(task);
    int old = f.createGem(8 * M);
    doAnswer(inv -> {
      specs.get(0).reclaimer().reclaim(request("lmem0", 8 * M, cgA, o -> true));
      return pool(cgA, LMEM);
    }).when(mc).charge(cgA, LMEM, 16 * M);
    int h = f.createGem(16 * M);
    assertThat(f.object(old).region()).isEqualTo("smem");
    assertThat(f.object(h).region()).isEqualTo("lmem0");
  }

  @Test
  void aFullAllocatorAsksTheControllerToReclaimThenFailsWithEnospcWhenNothingCanGo() {
    DrmDevice d = registered();
    DrmFile f = d.open(task);
    when(mc.reclaim(any(), anyInt(), anyLong())).thenAnswer(inv ->
        specs.get(0).reclaimer().reclaim(request("lmem0", inv.getArgument(2), inv.getArgument(0), o -> true)));
    int big = f.createGem(48 * M);
    int h = f.createGem(32 * M, "lmem0");
    verify(mc).reclaim(root, LMEM, 32 * M);
    assertThat(f.object(big).region()).isEqualTo("smem");
    assertThat(f.object(h).region()).isEqualTo("lmem0");
    f.object(h).pin();
    f.createGem(32 * M, "lmem0");
    // lmem0 is full of pinned and fresh objects: the pinned one cannot go
    for (GemObject o : d.objects()) {
      o.pin();
    }
    assertThatThrownBy(() -> f.createGem(16 * M, "lmem0"))
        .extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ENOSPC);
    verify(mc, times(1)).uncharge(pool(cgA, LMEM), 16 * M); // the refused placement gave its charge back
  }

  @Test
  void unplugIsRefusedWhileObjectsLiveAndUnregistersAfterRelease() {
    DrmDevice d = registered();
    DrmFile f = d.open(task);
    int h = f.createGem(M);
    DmaBuf buf = f.exportPrime(h);
    f.close();
    assertThatThrownBy(d::unplug).extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.EBUSY);
    verify(reg, never()).unregister();
    assertThat(d.registered()).isTrue();
    buf.close();
    d.unplug();
    verify(reg).unregister();
    assertThat(d.registered()).isFalse();
    assertThatThrownBy(() -> d.open(task)).extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ENODEV);
    assertThatThrownBy(d::unplug).extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ENODEV);
  }

  @Test
  void openClientsAreClosedByUnplug() {
    DrmDevice d = registered();
    DrmFile f = d.open(task);
    d.unplug();
    assertThatThrownBy(() -> f.createGem(M)).extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ENODEV);
  }

  @Test
  void submissionsAreScheduledThroughTimeSharingOnAllowedEnginesAndRuntimeIsReported() {
    TimeSharing.Client client = mock(TimeSharing.Client.class);
    when(ts.open(cgA, "drm-client-1")).thenReturn(client);
    when(client.cgroup()).thenReturn(cgA);
    when(ts.nextUnthrottle()).thenReturn(Long.MAX_VALUE);
    when(mask.allowsEngine(cgA, 1)).thenReturn(false); // vcs0 not allowed
    List<Integer> runnableOn = new ArrayList<>();
    doAnswer(inv -> {
      int e = inv.getArgument(0);
      boolean r = inv.getArgument(1);
      if (r) {
        runnableOn.add(e);
      } else {
        runnableOn.remove((Integer) e);
      }
      return null;
    }).when(client).setRunnable(anyInt(), any(Boolean.class));
    when(ts.pickNext(anyInt())).thenAnswer(inv -> runnableOn.contains((Integer) inv.getArgument(0)) ? client : null);
    DrmDevice d = registered();
    DrmFile f = d.open(task);
    d.submit(f, "video", 2_500_000);
    assertThat(runnableOn).containsExactly(2);
    d.runFor(10_000_000);
    ArgumentCaptor<Long> ran = ArgumentCaptor.forClass(Long.class);
    verify(client, atLeastOnce()).ran(eq(2), ran.capture());
    verify(client, never()).ran(eq(1), anyLong());
    assertThat(ran.getAllValues().stream().mapToLong(Long::longValue).sum()).isEqualTo(2_500_000);
    assertThat(ran.getAllValues()).allMatch(n -> n <= DrmDevice.TIMESLICE_NANOS);
    assertThat(runnableOn).isEmpty();
    assertThat(d.now()).isEqualTo(10_000_000);
    assertThat(f.runtime("video")).isEqualTo(2_500_000);
    assertThat(f.fdinfo()).contains("drm-engine-video:\t2500000 ns\n", "drm-engine-capacity-video:\t2\n");
  }

  @Test
  void lostEnginesAreGivenUpWhenTheMaskChanges() {
    TimeSharing.Client client = mock(TimeSharing.Client.class);
    when(ts.open(any(), any())).thenReturn(client);
    when(ts.nextUnthrottle()).thenReturn(Long.MAX_VALUE);
    when(ts.pickNext(anyInt())).thenReturn(client);
    ArgumentCaptor<EngineMask.Listener> listener = ArgumentCaptor.forClass(EngineMask.Listener.class);
    DrmDevice d = registered();
    verify(mask).onChange(listener.capture());
    DrmFile f = d.open(task);
    d.submit(f, "video", 5_000_000);
    d.runFor(1_500_000);
    verify(client, atLeastOnce()).setRunnable(1, true);
    when(mask.allowsEngine(cgA, 1)).thenReturn(false);
    listener.getValue().masksChanged(cgA);
    clearInvocations(client);
    d.runFor(10_000_000);
    // the slice running on vcs0 ends at its boundary; after that the client only runs on vcs1
    verify(client, never()).setRunnable(1, true);
    ArgumentCaptor<Long> onLost = ArgumentCaptor.forClass(Long.class);
    verify(client, atLeastOnce()).ran(eq(1), onLost.capture());
    assertThat(onLost.getAllValues()).containsExactly(500_000L);
    verify(client, atLeastOnce()).ran(eq(2), anyLong());
    assertThat(f.runtime("video")).isEqualTo(5_000_000);
  }

  @Test
  void aTaskThatExitedOpensNoClient() {
    DrmDevice d = registered();
    when(task.pid()).thenReturn(42);
    when(task.alive()).thenReturn(false);
    assertThatThrownBy(() -> d.open(task)).isInstanceOf(CgroupException.class)
        .satisfies(e -> assertThat(((CgroupException) e).errno()).isEqualTo(Errno.ESRCH))
        .hasMessageContaining("task 42: it has exited");
    assertThat(d.clients()).isEmpty();
  }

  @Test
  void withoutTimeSharingClientsShareAnEngineRoundRobin() {
    when(reg.capability(TimeSharing.class)).thenReturn(Optional.empty());
    DrmDevice d = registered();
    DrmFile f = d.open(task);
    DrmFile g = d.open(task);
    for (int i = 0; i < 10; i++) {
      d.submit(f, "render", 10_000_000);
      d.submit(g, "render", 10_000_000);
    }
    d.runFor(100_000_000);
    assertThat(f.runtime("render")).isEqualTo(50_000_000);
    assertThat(g.runtime("render")).isEqualTo(50_000_000);
  }

  /**
   * {@link DrmFile#runtime} and a {@link DrmFile#runtimeReader} read without the device lock while the device runs on another thread: every
   * value read is one the class's counter had (never torn, never a part of a slice's engines), never
   * smaller than the one before, and the last equals the sum over the class's engines.
   */
  @Test
  void runtimeReadWithoutTheLockWhileTheDeviceRunsOnlyGrowsAndEndsAtTheEnginesSum() throws Exception {
    when(reg.capability(TimeSharing.class)).thenReturn(Optional.empty());
    DrmDevice d = registered();
    DrmFile f = d.open(task);
    DrmFile g = d.open(task);
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CompletableFuture<long[]> reader = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      long last = 0;
      long reads = 0;
      reading.countDown();
      java.util.function.LongSupplier video = f.runtimeReader("video");
      while (!done.get()) {
        long now = reads % 2 == 0 ? f.runtime("video") : video.getAsLong(); // both ways of reading it
        if (now < last || now % 250_000 != 0) { // every slice and batch here is a multiple of 250 µs
          return new long[] {last, now, reads};
        }
        last = now;
        reads++;
      }
      return new long[] {last, last, reads};
    });
    assertThat(reading.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    int rounds = 20_000;
    for (int i = 0; i < rounds; i++) {
      d.submit(f, "video", 750_000);
      d.submit(g, "video", 500_000);
      d.runFor(500_000);
    }
    d.runFor(100_000_000_000L);
    done.set(true);
    long[] r = reader.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(r[1]).as("a read after %d (%d reads)", r[0], r[2]).isEqualTo(r[0]);
    assertThat(f.runtime("video")).isEqualTo(f.runtimeOn("vcs0") + f.runtimeOn("vcs1")).isEqualTo(rounds * 750_000L);
    assertThat(f.runtime("render")).isZero();
    assertThat(f.runtime("no-such-class")).isZero();
    assertThat(f.runtimeReader("video").getAsLong()).isEqualTo(rounds * 750_000L);
    assertThatThrownBy(() -> f.runtimeReader("no-such-class")).extracting(e -> ((CgroupException) e).errno())
        .isEqualTo(Errno.EINVAL);
  }

  @Test
  void fdinfoFollowsTheDrmUsageStatsFormat() {
    DrmDevice d = registered();
    DrmFile f = d.open(task);
    f.createGem(4 * M);
    f.createGem(6 * 1024 + 1, "smem");
    DmaBuf exported = f.exportPrime(1);
    String info = f.fdinfo();
    // drm_show_fdinfo's lines, then per region drm_print_memory_stats (total, shared, and the
    // statuses the driver supports: active and resident by default), then the engine classes
    assertThat(info).isEqualTo("""
        drm-driver:\ttestgpu
        drm-client-id:\t1
        drm-pdev:\t0000:03:00.0
        drm-total-smem:\t8 KiB
        drm-shared-smem:\t0
        drm-active-smem:\t0
        drm-resident-smem:\t8 KiB
        drm-total-lmem0:\t4 MiB
        drm-shared-lmem0:\t4 MiB
        drm-active-lmem0:\t0
        drm-resident-lmem0:\t4 MiB
        drm-engine-render:\t0 ns
        drm-engine-video:\t0 ns
        drm-engine-capacity-video:\t2
        """);
    exported.close();
    assertThat(f.fdinfo()).as("shared while exported").contains("drm-shared-lmem0:\t0\n");
  }

  @Test
  void badInputsFailWithAnErrnoAndChangeNothing() {
    DrmDevice d = registered();
    DrmFile f = d.open(task);
    assertThatThrownBy(() -> f.createGem(0)).extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.EINVAL);
    assertThatThrownBy(() -> f.createGem(M, "vram")).extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.EINVAL);
    assertThatThrownBy(() -> f.createGem(M, "smem", "smem")).extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.EINVAL);
    assertThatThrownBy(() -> f.object(7)).extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ENOENT);
    assertThatThrownBy(() -> d.submit(f, "blit", 1)).extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.EINVAL);
    assertThatThrownBy(() -> d.submit(f, "render", 0)).extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.EINVAL);
    assertThat(d.objects()).isEmpty();
    verify(mc, never()).charge(any(), anyInt(), anyLong());
    assertThatThrownBy(() -> d.register(ctx)).extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.EBUSY);
  }

  @Test
  void aCreateWhoseCgroupWasRemovedMeanwhileReadsTheTasksCgroupAgain() {
    DrmDevice d = registered();
    DrmFile f = d.open(task);
    // the task was in /a when read, then moved to /b and /a was removed before the charge landed
    when(ctx.cgroupOf(task)).thenReturn(cgA, cgB);
    when(cgA.online()).thenReturn(false);
    when(mc.charge(eq(cgA), anyInt(), anyLong())).thenThrow(new CgroupException(Errno.ENOENT, "/a was removed"));
    int h = f.createGem(M);
    assertThat(f.object(h).chargedTo()).isSameAs(cgB);
    assertThat(f.object(h).owner()).isSameAs(cgB);
    verify(ctx, times(2)).cgroupOf(task);
  }

  @Test
  void aFailureInALiveCgroupIsNotRetried() {
    DrmDevice d = registered();
    DrmFile f = d.open(task);
    when(mc.charge(any(), anyInt(), anyLong())).thenThrow(new CgroupException(Errno.ENODEV, "unregistered"));
    assertThatThrownBy(() -> f.createGem(M)).extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ENODEV);
    verify(ctx, times(1)).cgroupOf(task);
  }

  @Test
  void anEvictedObjectKeepsTheSwapPoolTheControllerChoseAndReturnsItWhenFreed() {
    DrmDevice d = registered();
    DrmFile f = d.open(task);
    int h = f.createGem(4 * M);
    GemObject o = f.object(h);
    DmaBuf keep = f.exportPrime(h);
    f.close(); // the task is gone from /a, which is then removed; the dma-buf keeps the object
    // the controller charges a removed cgroup's swap to its nearest live ancestor
    doReturn(new TestSwap(root)).when(mc).swapOut(pool(cgA, LMEM), 4 * M);
    assertThat(specs.get(0).reclaimer().reclaim(request("lmem0", M, root, x -> true))).isEqualTo(4 * M);
    assertThat(o.region()).isEqualTo("smem");
    assertThat(o.chargedTo()).isSameAs(root);
    keep.close();
    verify(mc).uncharge(new TestSwap(root), 4 * M);
    verify(mc, never()).uncharge(any(MemoryCharging.Pool.class), anyLong());
  }
}
