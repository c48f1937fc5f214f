package io.cgdev.i915;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Keyed;
import io.cgdev.api.Task;
import io.cgdev.api.spi.Controller;
import io.cgdev.core.Cgroups;
import io.cgdev.drm.DrmDevice;
import io.cgdev.drm.DmaBuf;
import io.cgdev.drm.DrmFile;
import io.cgdev.drm.RegionStats;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The i915 model driven through the real core and controllers, as a user would. */
class I915ScenarioTest {
  static final long M = 1 << 20;
  static final String MEM = "/memory.devices/i915.0/memory.";
  Cgroups cg;
  CgroupFs fs;
  I915Driver driver;
  DrmDevice gpu;

  void boot(Set<String> controllers) {
    I915ScenarioTest.class.getModule().addUses(Controller.class);
    driver = new I915Driver(new I915Descriptor(List.of(I915Descriptor.device(0, List.of(1024 * M)))));
    Cgroups.Builder b = Cgroups.builder().discover(false).driver(driver);
    for (Controller<?> c : ServiceLoader.load(Controller.class)) {
      if (controllers.contains(c.name())) {
        b.controller(c);
      }
    }
    cg = b.build();
    fs = cg.fs();
    gpu = driver.device("i915.0");
    fs.write("/cgroup.subtree_control", String.join(" ", controllers.stream().map(c -> "+" + c).toList()));
  }

  @AfterEach
  void shutdown() {
    if (cg != null) {
      cg.close();
    }
  }

  Task tenant(String name) {
    fs.mkdir("/" + name);
    return cg.tasks().spawn(name, CgroupPath.parse("/" + name));
  }

  long mem(String cgroup, String file) {
    return Long.parseLong(fs.read(cgroup + MEM + file).strip());
  }

  @Test
  void aTenantOverItsLimitSeesEvictionsAndThenEnospc() {
    boot(Set.of("memory", "cpu", "cpuset"));
    Task t = tenant("tenant");
    fs.write("/tenant" + MEM + "max", "256M");
    DrmFile f = gpu.open(t);
    int created = 0;
    CgroupException failure = null;
    for (int i = 0; i < 30; i++) {
      try {
        int h = f.createGem(10 * M, "local0");
        created++;
        if (i >= 4) {
          f.object(h).pin(); // only the first four may be evicted
        }
      } catch (CgroupException e) {
        failure = e;
        break;
      }
    }
    assertThat(created).isEqualTo(29);
    assertThat(failure).isNotNull().extracting(CgroupException::errno).isEqualTo(Errno.ENOSPC);
    // evicted bytes left memory.current for memory.swap.current
    assertThat(mem("/tenant", "current")).isEqualTo(250 * M);
    assertThat(mem("/tenant", "swap.current")).isEqualTo(40 * M);
    RegionStats lmem = gpu.memoryStats().get(1);
    assertThat(lmem.evictions()).isEqualTo(4);
    assertThat(lmem.used()).isEqualTo(250 * M);
    Map<String, String> events = Keyed.parseFlat(fs.read("/tenant" + MEM + "events"));
    assertThat(Long.parseLong(events.get("max"))).isGreaterThanOrEqualTo(5); // four evictions, one refusal
    assertThat(events.get("oom")).isEqualTo("1");
    assertThat(Keyed.parseFlat(fs.read("/tenant" + MEM + "stat")).get("pswpout")).isEqualTo(Long.toString(40 * M / 4096));
    f.close();
    assertThat(mem("/tenant", "current")).isZero();
    assertThat(mem("/tenant", "swap.current")).isZero();
  }

  @Test
  void swapMaxZeroKeepsATenantsBuffersResidentSoTheChargeThatNeedsTheirEvictionFails() {
    boot(Set.of("memory", "cpu", "cpuset"));
    Task t = tenant("tenant");
    fs.write("/tenant" + MEM + "max", "64M");
    fs.write("/tenant" + MEM + "swap.max", "0");
    DrmFile f = gpu.open(t);
    for (int i = 0; i < 4; i++) {
      f.createGem(16 * M, "local0");
    }
    assertThatThrownBy(() -> f.createGem(16 * M, "local0"))
        .extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ENOSPC);
    assertThat(mem("/tenant", "current")).isEqualTo(64 * M);
    assertThat(mem("/tenant", "swap.current")).isZero();
    assertThat(gpu.objects()).allMatch(o -> o.region().equals("local0"));
    assertThat(Keyed.parseFlat(fs.read("/tenant" + MEM + "swap.events")).get("fail")).isNotEqualTo("0");
    // with the default placement the create falls back to system memory: host memory, not charged
    int h = f.createGem(16 * M);
    assertThat(f.object(h).region()).isEqualTo("system0");
    assertThat(mem("/tenant", "current")).isEqualTo(64 * M);
    assertThat(mem("/tenant", "swap.current")).isZero();
  }

  @Test
  void memoryReclaimEvictsFromTheSubtreeThroughTheDriverSparesMinAndIsEagainWhenShort() {
    boot(Set.of("memory", "cpu", "cpuset"));
    fs.mkdir("/team");
    fs.write("/team/cgroup.subtree_control", "+memory");
    fs.mkdir("/team/a");
    fs.mkdir("/team/b");
    fs.write("/team/a" + MEM + "min", "128M");
    DrmFile a = gpu.open(cg.tasks().spawn("a", CgroupPath.parse("/team/a")));
    DrmFile b = gpu.open(cg.tasks().spawn("b", CgroupPath.parse("/team/b")));
    for (int i = 0; i < 8; i++) {
      a.createGem(16 * M, "local0", "system0");
      b.createGem(32 * M, "local0", "system0");
    }
    DrmFile outside = gpu.open(tenant("outside"));
    outside.createGem(64 * M, "local0", "system0");
    assertThat(mem("/team", "current")).isEqualTo(384 * M);

    fs.write("/team" + MEM + "reclaim", "200M");
    // the driver evicts whole 32M buffers of /team/b until at least 200M are free: seven of them
    assertThat(mem("/team/b", "current")).isEqualTo(32 * M);
    assertThat(mem("/team/b", "swap.current")).isEqualTo(224 * M);
    assertThat(mem("/team/a", "current")).as("memory.min protects /team/a").isEqualTo(128 * M);
    assertThat(mem("/outside", "current")).as("nothing outside the subtree").isEqualTo(64 * M);
    assertThat(Keyed.parseFlat(fs.read("/team" + MEM + "stat")).get("reclaimed")).isEqualTo(Long.toString(224 * M));

    // only 32M are left to reclaim without breaching memory.min: less than asked is EAGAIN
    assertThatThrownBy(() -> fs.write("/team" + MEM + "reclaim", "100M"))
        .extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.EAGAIN);
    assertThat(mem("/team/b", "current")).isZero();
    assertThat(mem("/team/b", "swap.current")).isEqualTo(256 * M);
    assertThat(mem("/team/a", "current")).isEqualTo(128 * M);
  }

  @Test
  void weightsOneToThreeShareOneEngineAsTwentyFiveToSeventyFive() {
    boot(Set.of("memory", "cpu", "cpuset"));
    Task a = tenant("a");
    Task b = tenant("b");
    fs.write("/a/cpu.devices/i915.0/cpu.weight", "100");
    fs.write("/b/cpu.devices/i915.0/cpu.weight", "300");
    DrmFile fa = gpu.open(a);
    DrmFile fb = gpu.open(b);
    for (int i = 0; i < 100; i++) {
      gpu.submit(fa, "render", 50_000_000);
      gpu.submit(fb, "render", 50_000_000);
    }
    gpu.runFor(1_000_000_000L);
    double ra = fa.runtime("render");
    double rb = fb.runtime("render");
    System.out.printf("i915 render share with weights 100:300 over 1 s device time: %.4f / %.4f%n", ra / (ra + rb), rb / (ra + rb));
    assertThat(ra + rb).isEqualTo(1e9);
    assertThat(ra / (ra + rb)).isCloseTo(0.25, within(0.01));
    assertThat(rb / (ra + rb)).isCloseTo(0.75, within(0.01));
    long usageA = Long.parseLong(Keyed.parseFlat(fs.read("/a/cpu.devices/i915.0/cpu.stat")).get("usage_usec"));
    assertThat(usageA).isEqualTo((long) ra / 1000);
    assertThat(fa.fdinfo()).contains("drm-engine-render:\t" + (long) ra + " ns");
  }

  @Test
  void aCpusetMaskConfinesSubmissionsToTheAllowedEngines() {
    boot(Set.of("memory", "cpu", "cpuset"));
    Task t = tenant("c");
    fs.write("/c/cpuset.devices/i915.0/cpuset.cpus", "6-7"); // ccs1, ccs2
    // two clients: a client runs on one engine at a time, so one client could not fill both engines
    DrmFile f = gpu.open(t);
    DrmFile g = gpu.open(t);
    for (int i = 0; i < 4; i++) {
      gpu.submit(f, "compute", 10_000_000);
      gpu.submit(g, "compute", 10_000_000);
    }
    gpu.runFor(100_000_000);
    assertThat(f.runtime("compute") + g.runtime("compute")).isEqualTo(80_000_000);
    assertThat(f.runtimeOn("ccs1") + g.runtimeOn("ccs1")).isEqualTo(40_000_000);
    assertThat(f.runtimeOn("ccs2") + g.runtimeOn("ccs2")).isEqualTo(40_000_000);
    assertThat(f.runtimeOn("ccs0") + f.runtimeOn("ccs3") + g.runtimeOn("ccs0") + g.runtimeOn("ccs3")).isZero();
    // narrowing the mask moves later work off the lost engines
    fs.write("/c/cpuset.devices/i915.0/cpuset.cpus", "8");
    for (int i = 0; i < 2; i++) {
      gpu.submit(f, "compute", 10_000_000);
      gpu.submit(g, "compute", 10_000_000);
    }
    gpu.runFor(100_000_000);
    assertThat(f.runtimeOn("ccs3") + g.runtimeOn("ccs3")).isEqualTo(40_000_000);
    assertThat(f.runtimeOn("ccs1") + g.runtimeOn("ccs1")).isEqualTo(40_000_000);
    assertThat(f.runtimeOn("ccs2") + g.runtimeOn("ccs2")).isEqualTo(40_000_000);
  }

  @Test
  void aSharedBufferIsChargedOnceToItsCreator() {
    boot(Set.of("memory", "cpu", "cpuset"));
    DrmFile creator = gpu.open(tenant("producer"));
    DrmFile importer = gpu.open(tenant("consumer"));
    int h = creator.createGem(64 * M);
    int imported;
    try (DmaBuf buf = creator.exportPrime(h)) {
      imported = importer.importPrime(buf);
    }
    assertThat(mem("/producer", "current")).isEqualTo(64 * M);
    assertThat(mem("/consumer", "current")).isZero();
    assertThat(importer.fdinfo()).contains("drm-shared-local0:\t64 MiB");
    creator.close();
    assertThat(mem("/producer", "current")).as("the importer keeps it alive").isEqualTo(64 * M);
    importer.closeHandle(imported);
    assertThat(mem("/producer", "current")).isZero();
  }

  @Test
  void aMovedTaskKeepsItsOldChargesAndChargesNewObjectsToItsNewCgroup() {
    boot(Set.of("memory"));
    Task t = tenant("old");
    fs.mkdir("/new");
    DrmFile f = gpu.open(t);
    f.createGem(8 * M);
    cg.tasks().move(t.pid(), CgroupPath.parse("/new"));
    f.createGem(4 * M);
    assertThat(mem("/old", "current")).isEqualTo(8 * M);
    assertThat(mem("/new", "current")).isEqualTo(4 * M);
  }

  @Test
  void withoutCpuAndCpusetClientsShareRoundRobinOnAllEngines() {
    boot(Set.of("memory"));
    DrmFile fa = gpu.open(tenant("a"));
    DrmFile fb = gpu.open(tenant("b"));
    for (int i = 0; i < 20; i++) {
      gpu.submit(fa, "video", 10_000_000);
      gpu.submit(fb, "video", 10_000_000);
    }
    gpu.runFor(100_000_000);
    assertThat(fa.runtime("video")).isEqualTo(100_000_000);
    assertThat(fb.runtime("video")).isEqualTo(100_000_000);
    assertThat(fs.list("/a").stream().map(e -> e.name())).doesNotContain("cpu.devices");
  }

  @Test
  void unplugWithLiveObjectsIsRefusedAndAfterReleaseLeavesNothingBehind() {
    boot(Set.of("memory", "cpu", "cpuset"));
    Task t = tenant("u");
    DrmFile f = gpu.open(t);
    f.createGem(16 * M);
    gpu.submit(f, "copy", 1_000_000);
    gpu.runFor(2_000_000);
    assertThatThrownBy(gpu::unplug).extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.EBUSY);
    assertThat(cg.devices()).contains("i915.0");
    f.close();
    gpu.unplug();
    assertThat(cg.devices()).doesNotContain("i915.0");
    assertThat(fs.list("/u/memory.devices").stream().map(e -> e.name())).doesNotContain("i915.0");
    assertThatThrownBy(() -> fs.read("/u" + MEM + "current"))
        .extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ENOENT);
  }
}
