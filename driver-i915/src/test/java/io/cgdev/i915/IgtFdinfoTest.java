package io.cgdev.i915;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Keyed;
import io.cgdev.api.Task;
import io.cgdev.api.spi.Controller;
import io.cgdev.core.Cgroups;
import io.cgdev.drm.DrmDevice;
import io.cgdev.drm.DrmFile;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * igt-gpu-tools' fdinfo parser, with the engine and region maps igt's own i915 tests use
 * (tests/intel/drm_fdinfo.c), finds every engine class and region of the i915 model's fdinfo, with
 * the values {@code cpu.stat} and {@code memory.current} show for the client's cgroup.
 */
class IgtFdinfoTest {
  /** igt's i915 engine map (its index is the engine class). */
  static final String[] ENGINE_MAP = {"render", "copy", "video", "video-enhance", "compute"};
  /** igt's i915 region map for memory info (0 system, 1 local). */
  static final String[] REGION_MAP = {"system0", "local0"};
  static final long M = 1 << 20;

  Cgroups cg;
  CgroupFs fs;
  DrmDevice gpu;

  void boot(List<Long> tiles) {
    IgtFdinfoTest.class.getModule().addUses(Controller.class);
    I915Driver driver = new I915Driver(new I915Descriptor(List.of(I915Descriptor.device(0, tiles))));
    Cgroups.Builder b = Cgroups.builder().discover(false).driver(driver);
    ServiceLoader.load(Controller.class).forEach(b::controller);
    cg = b.build();
    fs = cg.fs();
    gpu = driver.device("i915.0");
    fs.write("/cgroup.subtree_control", "+memory +cpu");
  }

  @AfterEach
  void shutdown() {
    if (cg != null) {
      cg.close();
    }
  }

  DrmFile client(String cgroup) {
    fs.mkdir("/" + cgroup);
    Task t = cg.tasks().spawn(cgroup, CgroupPath.parse("/" + cgroup));
    return gpu.open(t);
  }

  long usec(String cgroup) {
    return Long.parseLong(Keyed.parseFlat(fs.read("/" + cgroup + "/cpu.devices/i915.0/cpu.stat")).get("usage_usec"));
  }

  long current(String cgroup) {
    return Long.parseLong(fs.read("/" + cgroup + "/memory.devices/i915.0/memory.current").strip());
  }

  @Test
  void igtsMapsFindEveryEngineClassAndRegionWithTheValuesTheCgroupFilesShow() {
    boot(List.of(1024 * M));
    DrmFile f = client("job");
    int resident = f.createGem(48 * M);
    f.createGem(8 * M, "system0");
    int evicted = f.createGem(16 * M);
    f.migrate(evicted, "system0");
    String[] classes = I915Driver.UABI_CLASSES.toArray(String[]::new);
    for (int i = 0; i < classes.length; i++) {
      gpu.submit(f, classes[i], (i + 1) * 3_000_000L, resident);
    }
    gpu.runFor(50_000_000);

    String text = f.fdinfo();
    assertThat(text.length()).as("igt reads 4095 bytes at most").isLessThan(4095);
    IgtFdinfoParser.Info info = IgtFdinfoParser.parse(text, ENGINE_MAP, REGION_MAP);
    assertThat(info.result).isPositive();
    assertThat(info.driver).isEqualTo("i915");
    assertThat(info.pdev).isEqualTo("0000:00:02.0");
    assertThat(info.numEngines).as("every class of the default engines").isEqualTo(5);
    long busy = 0;
    for (int c = 0; c < classes.length; c++) {
      assertThat(info.busy[c]).as(classes[c]).isEqualTo(f.runtime(classes[c])).isEqualTo((c + 1) * 3_000_000L);
      busy += info.busy[c];
    }
    assertThat(info.capacity).startsWith(1, 1, 2, 1, 4); // rcs0 | bcs0 | vcs0-1 | vecs0 | ccs0-3
    assertThat(busy / 1000).as("cpu.stat usage_usec").isEqualTo(usec("job"));
    assertThat(info.numRegions).isEqualTo(2);
    assertThat(info.regionMem[1][IgtFdinfoParser.TOTAL]).as("local0 total: memory.current").isEqualTo(current("job"))
        .isEqualTo(48 * M);
    assertThat(info.regionMem[1][IgtFdinfoParser.RESIDENT]).isEqualTo(48 * M);
    assertThat(info.regionMem[0][IgtFdinfoParser.TOTAL]).as("system0: host memory and the evicted buffer")
        .isEqualTo(24 * M);
    long swap = Long.parseLong(fs.read("/job/memory.devices/i915.0/memory.swap.current").strip());
    assertThat(swap).as("of system0's, only the evicted buffer is charged (as swap)").isEqualTo(16 * M);
  }

  @Test
  void anActiveBufferIsReportedActiveAndTheI915LinesComeInItsOrder() {
    boot(List.of(1024 * M));
    DrmFile f = client("a");
    int h = f.createGem(4 * M);
    gpu.submit(f, "copy", 5_000_000, h);
    IgtFdinfoParser.Info info = IgtFdinfoParser.parse(f.fdinfo(), ENGINE_MAP, REGION_MAP);
    assertThat(info.regionMem[1][IgtFdinfoParser.ACTIVE]).isEqualTo(4 * M);
    assertThat(f.fdinfo().lines().map(l -> l.substring(0, l.indexOf(':'))).toList()).containsExactly(
        "drm-driver", "drm-client-id", "drm-pdev",
        "drm-total-system0", "drm-shared-system0", "drm-active-system0", "drm-resident-system0", "drm-purgeable-system0",
        "drm-total-local0", "drm-shared-local0", "drm-active-local0", "drm-resident-local0", "drm-purgeable-local0",
        "drm-engine-render", "drm-engine-copy", "drm-engine-video", "drm-engine-capacity-video", "drm-engine-video-enhance",
        "drm-engine-compute", "drm-engine-capacity-compute");
  }

  @Test
  void aSecondTilesRegionIsOutsideIgtsMapButFoundWithoutOne() {
    boot(List.of(512 * M, 512 * M));
    DrmFile f = client("t");
    f.createGem(8 * M, "local1");
    IgtFdinfoParser.Info mapped = IgtFdinfoParser.parse(f.fdinfo(), ENGINE_MAP, REGION_MAP);
    assertThat(mapped.numRegions).isEqualTo(2); // local1 (name_len 6) matches neither system0 nor local0
    IgtFdinfoParser.Info free = IgtFdinfoParser.parse(f.fdinfo(), null, null);
    assertThat(free.numRegions).isEqualTo(3);
    assertThat(free.regionNames).startsWith("system0", "local0", "local1");
    assertThat(free.regionMem[2][IgtFdinfoParser.TOTAL]).isEqualTo(8 * M)
        .isEqualTo(Long.parseLong(fs.read("/t/memory.devices/i915.0.tile1/memory.current").strip()));
  }

  @Test
  void theParserSeesOnlyTheFirst4095BytesAndPrefixMatchesNames() {
    String head = "drm-driver:\ti915\ndrm-client-id:\t7\n";
    String engines = "drm-engine-video:\t5 ns\ndrm-engine-video-enhance:\t9 ns\n";
    // "video" is a prefix of "video-enhance": listed first, the longer entry takes both lines, which
    // is why igt's map (and i915's class order) has video before video-enhance
    assertThat(IgtFdinfoParser.parse(head + engines, new String[] {"video-enhance", "video"}, null).busy).startsWith(9, 0);
    assertThat(IgtFdinfoParser.parse(head + engines, ENGINE_MAP, null).busy).startsWith(0, 0, 5, 9);
    String long1 = head + "drm-pdev:\t" + "x".repeat(5000) + "\n" + engines;
    IgtFdinfoParser.Info cut = IgtFdinfoParser.parse(long1, ENGINE_MAP, null);
    assertThat(cut.numEngines).as("lines past byte 4095 are never seen").isZero();
    assertThat(cut.result).isZero();
  }
}
