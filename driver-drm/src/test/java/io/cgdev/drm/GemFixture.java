package io.cgdev.drm;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.cgdev.api.Task;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.drm.sim.EngineScheduler;
import io.cgdev.drm.sim.SimClock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The device's parts wired as DrmDevice wires them, without the facade and without the cgroup
 * framework (nothing is charged): a 64 MiB system region, a 16 MiB local one, a render engine and
 * two video engines. Tests hold {@link #lock} as the facade would.
 */
final class GemFixture {
  static final long M = 1 << 20;

  final Object lock = new Object();
  final MemoryRegion smem;
  final MemoryRegion lmem = MemoryRegion.local("lmem0", 16 * M, 64 << 10);
  final Map<String, MemoryRegion> regions = new LinkedHashMap<>();
  final Residencies residency;
  final SimClock clock = new SimClock();
  final DeviceConfig config;
  final CgroupLink cgroups;
  final GemEvictor evictor;
  final GemPlacement gem;
  final EngineScheduler scheduler;
  final Task task = mock(Task.class);
  private long nextClient = 1;

  GemFixture() {
    this(64 * M);
  }

  GemFixture(long smemBytes) {
    smem = MemoryRegion.system("smem", smemBytes);
    regions.put("smem", smem);
    regions.put("lmem0", lmem);
    residency = Residencies.forRegions(regions.values());
    when(task.name()).thenReturn("app");
    config = new DeviceConfig("gpu.0", "0000:03:00.0", List.of(smem, lmem),
        List.of(new EngineSpec("rcs0", "render"), new EngineSpec("vcs0", "video"), new EngineSpec("vcs1", "video")),
        List.of("lmem0", "smem"), List.of());
    DrmDriver driver = DrmDriver.of("testgpu", EnumSet.of(DriverFeature.DRIVER_GEM), Set.of());
    cgroups = new CgroupLink(lock, driver, config, regions, clock);
    evictor = new GemEvictor(lock, residency, smem, cgroups);
    gem = new GemPlacement(lock, "gpu.0", regions, config.defaultPlacement(), residency, cgroups, evictor);
    scheduler = new EngineScheduler(lock, "gpu.0", config.engines(), clock, cgroups);
  }

  /** A client without a device: enough for placement and scheduling. */
  DrmFile client() {
    synchronized (lock) {
      return new DrmFile(null, task, scheduler.open(nextClient++));
    }
  }

  /** An object with one reference (as a handle would hold), placed by {@link GemPlacement}. */
  GemObject create(DrmFile f, long size, String... placements) {
    synchronized (lock) {
      GemObject o = gem.create(f.task().name(), size, gem.placementList(placements), null);
      o.refcount++;
      return o;
    }
  }

  long evict(MemoryRegion r, long bytes) {
    synchronized (lock) {
      return evictor.evict(r, bytes, null, owner -> true);
    }
  }

  /** The objects resident in a region, least recently used first. */
  List<GemObject> lru(MemoryRegion r) {
    synchronized (lock) {
      return residency.in(r).leastRecentlyUsedFirst();
    }
  }

  RegionStats stats(MemoryRegion r) {
    synchronized (lock) {
      return residency.in(r).stats();
    }
  }

  void touch(GemObject o) {
    synchronized (lock) {
      residency.in(o.region).touch(o);
    }
  }
}
