package io.cgdev.controller.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.KernelText;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.FileFlag;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.Reclaimer;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.testkit.FakeFileHandle;
import io.cgdev.testkit.LruReclaimer;
import io.cgdev.testkit.TestBinding;
import io.cgdev.testkit.TestCgroups;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dmem view against kernel/cgroup/dmem.c, case by case: every expected text below is what the
 * kernel's {@code dmem_cgroup_region_capacity_show} / {@code dmemcg_limit_show} print for the same
 * state (one {@code <name> <value>\n} line per region in registration order, {@code " max"} from
 * {@code PAGE_COUNTER_MAX} on), and every write outcome what {@code dmemcg_limit_write} returns.
 */
class DmemViewTest {
  private static final long M = 1L << 20;
  private static final String VRAM0 = "drm/0000:03:00.0/vram0";
  private static final String VRAM1 = "drm/0000:03:00.0/vram1";

  private final MemoryController memory = new MemoryController();
  private final DmemController dmem = new DmemController();
  private final TestCgroups cgroups = new TestCgroups(memory, dmem);
  private final LruReclaimer lru = new LruReclaimer();
  private final TestBinding<MemoryState> tile0 = cgroups.bind(memory, spec("gpu0", VRAM0, 256 * M, lru));
  private final TestBinding<MemoryState> tile1 = cgroups.bind(memory, spec("gpu0.tile1", VRAM1, 128 * M, Reclaimer.NONE));
  private final MemoryCharging mem0 = tile0.capability(MemoryCharging.class).orElseThrow();

  DmemViewTest() {
    lru.connect(mem0);
    cgroups.mkdir("/a");
    cgroups.mkdir("/a/b");
  }

  private static DeviceSpec spec(String name, String dmemName, long capacity, Reclaimer reclaimer) {
    return DeviceSpec.builder(name, "fake").controllers("memory")
        .region(RegionSpec.host("system0", 1024 * M)).region(new RegionSpec("local0", capacity))
        .attribute("dmem.region", dmemName).reclaimer(reclaimer).build();
  }

  private CgroupFile<CgroupHandle> file(String name) {
    return dmem.hostFiles().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
  }

  private String read(String path, String name) {
    CgroupHandle cg = cgroups.cgroup(path);
    CgroupFile<CgroupHandle> f = file(name);
    assertThat(f.appearsOn(cg.isRoot())).as("dmem.%s on %s", name, path).isTrue();
    return f.read(cg, new FakeFileHandle());
  }

  private void write(String path, String name, String value) {
    CgroupHandle cg = cgroups.cgroup(path);
    cgroups.locked(() -> file(name).write(cg, KernelText.strip(value), new FakeFileHandle()));
  }

  private Errno refused(String path, String name, String value) {
    try {
      write(path, name, value);
    } catch (CgroupException e) {
      return e.errno();
    }
    throw new AssertionError("accepted: " + value);
  }

  @Test
  void theFileTableIsDmems() {
    assertThat(dmem.name()).isEqualTo("dmem");
    assertThat(dmem.hostFiles()).extracting(CgroupFile::name).containsExactly("capacity", "current", "peak", "min", "low", "max");
    assertThat(file("capacity").has(FileFlag.ONLY_ON_ROOT)).isTrue();
    assertThat(file("current").flags()).isEmpty();
    for (String n : List.of("peak", "min", "low", "max")) {
      assertThat(file(n).has(FileFlag.NOT_ON_ROOT)).as(n).isTrue();
    }
    assertThat(file("capacity").mode()).isEqualTo(0444);
    assertThat(file("peak").mode()).isEqualTo(0444);
    assertThat(file("max").mode()).isEqualTo(0644);
    assertThat(dmem.deviceFiles()).as("no dmem.devices folder").isEmpty();
  }

  @Test
  void readsPrintOneLinePerRegionInRegistrationOrder() {
    assertThat(read("/", "capacity")).isEqualTo(VRAM0 + " 268435456\n" + VRAM1 + " 134217728\n");
    assertThat(read("/", "current")).isEqualTo(VRAM0 + " 0\n" + VRAM1 + " 0\n");
    assertThat(read("/a", "min")).isEqualTo(VRAM0 + " 0\n" + VRAM1 + " 0\n");
    assertThat(read("/a", "low")).isEqualTo(VRAM0 + " 0\n" + VRAM1 + " 0\n");
    assertThat(read("/a", "max")).isEqualTo(VRAM0 + " max\n" + VRAM1 + " max\n");
    assertThat(read("/a", "peak")).isEqualTo(VRAM0 + " 0\n" + VRAM1 + " 0\n");
    mem0.charge(cgroups.cgroup("/a/b"), 0, 3 * M);
    assertThat(read("/a", "current")).isEqualTo(VRAM0 + " 3145728\n" + VRAM1 + " 0\n");
    assertThat(read("/", "current")).isEqualTo(VRAM0 + " 3145728\n" + VRAM1 + " 0\n");
  }

  @Test
  void withNoRegionEveryFileIsEmpty() {
    TestCgroups bare = new TestCgroups(new MemoryController(), new DmemController());
    assertThat(file("capacity").read(bare.root(), new FakeFileHandle())).isEmpty();
    assertThat(file("current").read(bare.root(), new FakeFileHandle())).isEmpty();
  }

  @ParameterizedTest(name = "dmem.min \"{0}\" reads {1}")
  @CsvSource(delimiter = '|', value = {
    "4097|4097",                         // bytes, never rounded to pages (unlike memory.min)
    "256M|268435456",
    "1k|1024",                           // memparse suffixes in either case
    "0x1000|4096",                       // memparse reads hex and octal
    "010|8",
    "max|max",
    "2251799813685246|2251799813685246", // PAGE_COUNTER_MAX - 1 still prints as a number
    "2251799813685247|max",              // PAGE_COUNTER_MAX and above print as max
    "8E|max",
    "16E|0",                             // memparse's u64 wraps: 2^64 is 0
  })
  void limitValuesParseAndPrintAsTheKernels(String value, String printed) {
    write("/a", "min", VRAM0 + " " + value);
    assertThat(read("/a", "min")).isEqualTo(VRAM0 + " " + printed + "\n" + VRAM1 + " 0\n");
  }

  @Test
  void aTabSeparatesAndSurroundingWhiteSpaceIsStripped() {
    write("/a", "low", VRAM1 + "\t2M");
    write("/a", "max", "  " + VRAM1 + " 64M\n");
    assertThat(read("/a", "low")).isEqualTo(VRAM0 + " 0\n" + VRAM1 + " 2097152\n");
    assertThat(read("/a", "max")).isEqualTo(VRAM0 + " max\n" + VRAM1 + " 67108864\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {
    VRAM0,                                  // no value: strsep found no separator
    VRAM0 + "  1M",                         // a second space is part of the value: memparse stops at once
    VRAM0 + " 1M\n" + VRAM1 + " 2M",        // one pair per write (mainline dmem)
    VRAM0 + " 1M garbage",
    VRAM0 + " -1",
    VRAM0 + " 1.5M",
    VRAM0 + " MAX",
    "drm/0000:03:00.0/vram9 1M",            // no such region
    "vram0 1M",                             // the full name is needed
    "gpu0/local0 1M",
    "1M"})
  void badWritesAreEinvalAndChangeNothing(String value) {
    write("/a", "min", VRAM0 + " 5");
    assertThat(refused("/a", "min", value)).isEqualTo(Errno.EINVAL);
    assertThat(read("/a", "min")).isEqualTo(VRAM0 + " 5\n" + VRAM1 + " 0\n");
  }

  @Test
  void maxBelowUsageIsIgnoredAsDmemIgnoresPageCounterSetMaxsRefusalAndNothingIsReclaimed() {
    lru.allocate(cgroups.cgroup("/a"), 0, 10 * M);
    write("/a", "max", VRAM0 + " 4M"); // succeeds ...
    assertThat(read("/a", "max")).isEqualTo(VRAM0 + " max\n" + VRAM1 + " max\n"); // ... and changes nothing
    assertThat(lru.requests()).isEmpty();
    write("/a", "max", VRAM0 + " 10M");
    assertThat(read("/a", "max")).startsWith(VRAM0 + " 10485760\n");
    assertThat(tile0.read("/a", "max")).isEqualTo("10485760\n");
  }

  @Test
  void bothViewsActOnTheSameCounters() {
    write("/a", "min", VRAM0 + " 4097");
    assertThat(tile0.read("/a", "min")).as("the stored bytes, as dmem stored them").isEqualTo("4097\n");
    tile0.write("/a", "low", "1M");
    assertThat(read("/a", "low")).startsWith(VRAM0 + " 1048576\n");
    tile0.write("/a", "max", "max");
    mem0.charge(cgroups.cgroup("/a"), 0, 2 * M);
    assertThat(read("/a", "current")).startsWith(VRAM0 + " 2097152\n");
    assertThat(tile0.read("/a", "current")).isEqualTo("2097152\n");
    assertThat(read("/", "current")).startsWith(VRAM0 + " 2097152\n");
  }

  @Test
  void peakIsTheAllTimeWatermarkWhateverMemoryPeakHandlesReset() {
    mem0.charge(cgroups.cgroup("/a"), 0, 4 * M);
    mem0.uncharge(cgroups.cgroup("/a"), 0, 3 * M);
    FakeFileHandle h = new FakeFileHandle();
    tile0.write(cgroups.cgroup("/a"), "peak", "reset", h);
    assertThat(tile0.read(cgroups.cgroup("/a"), "peak", h)).isEqualTo(M + "\n");
    assertThat(read("/a", "peak")).startsWith(VRAM0 + " 4194304\n");
  }

  @Test
  void anUnregisteredRegionLeavesTheListsAndAReRegisteredOneComesLast() {
    tile0.unregister();
    assertThat(read("/", "capacity")).isEqualTo(VRAM1 + " 134217728\n");
    assertThat(read("/a", "max")).isEqualTo(VRAM1 + " max\n");
    cgroups.bind(memory, spec("gpu0", VRAM0, 256 * M, Reclaimer.NONE));
    assertThat(read("/", "capacity")).isEqualTo(VRAM1 + " 134217728\n" + VRAM0 + " 268435456\n");
  }

  @Test
  void aRegistrationWithoutTheAttributeIsNamedDeviceSlashRegion() {
    MemoryController m = new MemoryController();
    TestCgroups t = new TestCgroups(m, new DmemController());
    t.bind(m, DeviceSpec.builder("rdma0", "rdma").controllers("memory")
        .region(new RegionSpec("devmem", 512 * M)).build());
    assertThat(file("capacity").read(t.root(), new FakeFileHandle())).isEqualTo("rdma0/devmem 536870912\n");
  }

  @Test
  void noDeviceRegistersWithDmemItself() {
    assertThatThrownBy(() -> cgroups.bind(dmem, DeviceSpec.builder("gpu9", "fake").controllers("dmem")
        .region(new RegionSpec("local0", M)).build()))
        .isInstanceOf(CgroupException.class).hasMessageContaining("register the device with 'memory'");
  }
}
