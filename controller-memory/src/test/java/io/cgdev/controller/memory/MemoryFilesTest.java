package io.cgdev.controller.memory;

import static io.cgdev.controller.memory.Fixture.M;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.testkit.FakeFileHandle;
import io.cgdev.testkit.LruReclaimer;
import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.FileFlag;
import io.cgdev.api.spi.RegionSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemoryFilesTest {
  private final Fixture f = Fixture.oneRegion(1024 * M);
  private final Fixture two = new Fixture(new RegionSpec("lmem0", 256 * M, 65536), new RegionSpec("smem", 1024 * M));

  MemoryFilesTest() {
    f.mkdir("/a");
    two.mkdir("/a");
  }

  private static Errno errno(Runnable r) {
    try {
      r.run();
    } catch (CgroupException e) {
      return e.errno();
    }
    throw new AssertionError("no CgroupException");
  }

  @Test
  void fileTableAndFlags() {
    List<CgroupFile<MemoryState>> files = f.controller.deviceFiles();
    assertThat(files).extracting(CgroupFile::name).containsExactly(
        "current", "capacity", "min", "low", "high", "max", "peak", "events", "events.local", "stat", "pressure");
    for (String limit : List.of("min", "low", "high", "max")) {
      assertThat(f.file(limit).has(FileFlag.NOT_ON_ROOT)).isTrue();
      assertThat(f.file(limit).mode()).isEqualTo(0644);
    }
    assertThat(f.file("capacity").has(FileFlag.ONLY_ON_ROOT)).isTrue();
    assertThat(f.file("current").mode()).isEqualTo(0444);
    assertThat(f.file("peak").mode()).isEqualTo(0644);
    assertThat(f.controller.name()).isEqualTo("memory");
  }

  @Test
  void everyFileEndsInANewline() {
    for (Fixture x : List.of(f, two)) {
      for (CgroupFile<MemoryState> file : x.controller.deviceFiles()) {
        for (String path : List.of("/", "/a")) {
          if (file.appearsOn(path.equals("/"))) {
            assertThat(x.read(path, file.name())).as(file.name()).endsWith("\n");
          }
        }
      }
      for (CgroupFile<CgroupHandle> file : x.controller.hostFiles()) {
        assertThat(file.read(x.cg("/a"), new FakeFileHandle())).as(file.name()).endsWith("\n");
      }
    }
  }

  @Test
  void singleRegionShapes() {
    assertThat(f.read("/a", "max")).isEqualTo("max\n");
    assertThat(f.read("/a", "min")).isEqualTo("0\n");
    assertThat(f.read("/", "capacity")).isEqualTo(1024 * M + "\n");
    // larger than a stock batch: charged exactly, so the peak is exact too
    f.charging.charge(f.cg("/a"), 0, M);
    assertThat(f.read("/a", "current")).isEqualTo(M + "\n");
    assertThat(f.read("/", "current")).isEqualTo(M + "\n");
    assertThat(f.read("/a", "stat")).isEqualTo(
        "charged " + M + "\npeak " + M + "\nfailcnt 0\nfailed_charges 0\nevicted 0\nevictions 0\nreclaim_requests 0\nreclaimed 0\n");
  }

  @Test
  void limitsParseAndRoundDownToThePage() {
    f.write("/a", "max", "256M");
    assertThat(f.read("/a", "max")).isEqualTo(256 * M + "\n");
    f.write("/a", "high", "10000\n");
    assertThat(f.read("/a", "high")).isEqualTo("8192\n");
    f.write("/a", "low", "1k");
    assertThat(f.read("/a", "low")).isEqualTo("0\n");
    f.write("/a", "max", "max");
    assertThat(f.read("/a", "max")).isEqualTo("max\n");
    f.write("/a", "max", "99999999999999999999999");
    assertThat(f.read("/a", "max")).isEqualTo("max\n");
    f.write("/a", "min", "lmem0 8K");
    assertThat(f.read("/a", "min")).isEqualTo("8192\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-1", "1.5M", "12Q", "abc", "lmem0", "smem 1M", "1M 2M", "lmem0 1M\nlmem0 2M",
      "\u0666\u0664M", "\uff16\uff14M", "64M\u3000", "\u200364M", "64\u2003M"})
  void badValuesAreEinvalAndChangeNothing(String value) {
    f.write("/a", "max", "64M");
    assertThat(errno(() -> f.write("/a", "max", value))).isEqualTo(Errno.EINVAL);
    assertThat(f.read("/a", "max")).isEqualTo(64 * M + "\n");
  }

  /** The kernel's white space (byte 0xA0 included) separates and pads; no other space does (issue 12). */
  @Test
  void onlyTheKernelsWhiteSpaceSeparates() {
    f.write("/a", "max", "\u00a0\t64M\u00a0\n");
    assertThat(f.read("/a", "max")).isEqualTo(64 * M + "\n");
    two.write("/a", "max", "lmem0\u00a0\t1M\nsmem\u000b2M");
    assertThat(two.read("/a", "max")).isEqualTo("lmem0 " + M + "\nsmem " + 2 * M + "\n");
    for (String bad : List.of("lmem0\u20031M", "lmem0 1M\nsmem\u30002M", "lmem0 \u0661M")) {
      assertThat(errno(() -> two.write("/a", "max", bad))).as(bad).isEqualTo(Errno.EINVAL);
    }
  }

  @Test
  void severalRegionsReadAsRegionLinesAndWriteAllOrNothing() {
    assertThat(two.read("/a", "max")).isEqualTo("lmem0 max\nsmem max\n");
    two.write("/a", "max", "lmem0 100000\nsmem 1G");
    assertThat(two.read("/a", "max")).isEqualTo("lmem0 65536\nsmem " + 1024 * M + "\n");
    two.write("/a", "max", "smem max");
    assertThat(two.read("/a", "max")).isEqualTo("lmem0 65536\nsmem max\n");
    for (String bad : List.of("lmem0 1M\nsmem x", "256M", "lmem0 1M\nvram 1M", "lmem0 1M\nlmem0 2M", "lmem0=1M")) {
      assertThat(errno(() -> two.write("/a", "max", bad))).as(bad).isEqualTo(Errno.EINVAL);
      assertThat(two.read("/a", "max")).isEqualTo("lmem0 65536\nsmem max\n");
    }
    assertThat(two.read("/", "capacity")).isEqualTo("lmem0 " + 256 * M + "\nsmem " + 1024 * M + "\n");
    assertThat(two.read("/a", "stat")).startsWith("lmem0 charged=0 peak=0 failcnt=0 ").contains("\nsmem charged=0 ");
  }

  @Test
  void peakResetsPerOpenHandle() {
    FakeFileHandle h1 = new FakeFileHandle();
    FakeFileHandle h2 = new FakeFileHandle();
    f.charging.charge(f.cg("/a"), 0, 10 * M);
    f.charging.uncharge(f.cg("/a"), 0, 8 * M);
    assertThat(f.read("/a", "peak", h1)).isEqualTo(10 * M + "\n");
    f.file("peak").write(f.state("/a"), "reset", h1);
    assertThat(f.read("/a", "peak", h1)).isEqualTo(2 * M + "\n");
    assertThat(f.read("/a", "peak", h2)).isEqualTo(10 * M + "\n");
    f.charging.charge(f.cg("/a"), 0, 3 * M);
    f.charging.uncharge(f.cg("/a"), 0, 3 * M);
    assertThat(f.read("/a", "peak", h1)).isEqualTo(5 * M + "\n");
    // a second handle resets: the first keeps the peak it saw since its own reset
    f.file("peak").write(f.state("/a"), "x", h2);
    assertThat(f.read("/a", "peak", h2)).isEqualTo(2 * M + "\n");
    assertThat(f.read("/a", "peak", h1)).isEqualTo(5 * M + "\n");
    assertThat(f.read("/a", "peak")).isEqualTo(10 * M + "\n");
    assertThat(f.read("/", "peak")).isEqualTo(10 * M + "\n");
  }

  @Test
  void anEmptyPeakWriteResetsNothing() {
    FakeFileHandle h = new FakeFileHandle();
    f.charging.charge(f.cg("/a"), 0, 10 * M);
    f.charging.uncharge(f.cg("/a"), 0, 8 * M);
    f.file("peak").write(f.state("/a"), "", h);
    assertThat(f.read("/a", "peak", h)).isEqualTo(10 * M + "\n");
    f.file("peak").write(f.state("/a"), "1", h);
    assertThat(f.read("/a", "peak", h)).isEqualTo(2 * M + "\n");
  }

  @Test
  void hostFilesGiveADmemStyleKeyedView() {
    CgroupFile<CgroupHandle> max = two.controller.hostFiles().stream().filter(x -> x.name().equals("region.max")).findFirst().orElseThrow();
    CgroupFile<CgroupHandle> cur = two.controller.hostFiles().stream().filter(x -> x.name().equals("region.current")).findFirst().orElseThrow();
    assertThat(max.has(FileFlag.NOT_ON_ROOT)).isTrue();
    max.write(two.cg("/a"), "dev0/smem 4M", new FakeFileHandle());
    assertThat(max.read(two.cg("/a"), new FakeFileHandle())).isEqualTo("dev0/lmem0 max\ndev0/smem " + 4 * M + "\n");
    assertThat(two.read("/a", "max")).isEqualTo("lmem0 max\nsmem " + 4 * M + "\n");
    assertThat(errno(() -> max.write(two.cg("/a"), "dev0/smem 1M\ndev1/smem 1M", new FakeFileHandle()))).isEqualTo(Errno.EINVAL);
    assertThat(errno(() -> max.write(two.cg("/a"), "dev0/smem 1M\ndev0/lmem0 x", new FakeFileHandle()))).isEqualTo(Errno.EINVAL);
    assertThat(two.read("/a", "max")).isEqualTo("lmem0 max\nsmem " + 4 * M + "\n");
    two.charging.charge(two.cg("/a"), 1, 4096);
    assertThat(cur.read(two.cg("/"), new FakeFileHandle())).isEqualTo("dev0/lmem0 0\ndev0/smem 4096\n");
    two.charging.uncharge(two.cg("/a"), 1, 4096);
    two.binding.unbind();
    assertThat(cur.read(two.cg("/"), new FakeFileHandle())).isEqualTo("\n");
  }

  @Test
  void bindRefusesADeviceWithoutRegions() {
    assertThatThrownBy(Fixture::new).isInstanceOf(CgroupException.class).hasMessageContaining("no memory region");
  }
}
