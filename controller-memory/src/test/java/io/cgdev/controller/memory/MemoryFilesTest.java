package io.cgdev.controller.memory;

import static io.cgdev.controller.memory.Fixture.M;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.FileFlag;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.testkit.FakeFileHandle;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemoryFilesTest {
  private final Fixture f = Fixture.oneRegion(1024 * M);
  private final Fixture big = new Fixture(new RegionSpec("local0", 256 * M, 65536));

  MemoryFilesTest() {
    f.mkdir("/a");
    big.mkdir("/a");
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
        "current", "capacity", "min", "low", "high", "max", "peak", "events", "events.local", "stat", "reclaim",
        "swap.current", "swap.high", "swap.max", "swap.peak", "swap.events", "pressure");
    for (String limit : List.of("min", "low", "high", "max", "swap.high", "swap.max")) {
      assertThat(f.file(limit).has(FileFlag.NOT_ON_ROOT)).as(limit).isTrue();
      assertThat(f.file(limit).mode()).as(limit).isEqualTo(0644);
    }
    assertThat(f.file("capacity").has(FileFlag.ONLY_ON_ROOT)).isTrue();
    assertThat(f.file("current").mode()).isEqualTo(0444);
    assertThat(f.file("peak").mode()).isEqualTo(0644);
    assertThat(f.file("reclaim").mode()).isEqualTo(0200);
    assertThat(f.controller.hostFiles()).as("no keyed per-region view: dmem.* is the dmem view").isEmpty();
    assertThat(f.controller.name()).isEqualTo("memory");
  }

  @Test
  void everyReadableFileEndsInANewlineAndHasNoRegionKey() {
    for (CgroupFile<MemoryState> file : f.controller.deviceFiles()) {
      for (String path : List.of("/", "/a")) {
        if (file.appearsOn(path.equals("/")) && file.readable()) {
          String text = f.read(path, file.name());
          assertThat(text).as(file.name()).endsWith("\n").doesNotContain("lmem0");
          if (!file.name().equals("pressure")) { // PSI's nested keys (avg10=...), as the kernel's
            assertThat(text).as(file.name()).doesNotContain("=");
          }
        }
      }
    }
  }

  @Test
  void echo256MToMaxReadsBack268435456() {
    f.write("/a", "max", "256M");
    assertThat(f.read("/a", "max")).isEqualTo("268435456\n");
  }

  @Test
  void singleValuesAndFlatKeyedFiles() {
    assertThat(f.read("/a", "max")).isEqualTo("max\n");
    assertThat(f.read("/a", "min")).isEqualTo("0\n");
    assertThat(f.read("/", "capacity")).isEqualTo(1024 * M + "\n");
    // larger than a stock batch: charged exactly, so the peak is exact too
    f.charging.charge(f.cg("/a"), 0, M);
    assertThat(f.read("/a", "current")).isEqualTo(M + "\n");
    assertThat(f.read("/", "current")).isEqualTo(M + "\n");
    assertThat(f.read("/a", "stat")).isEqualTo("charged " + M + "\npeak " + M + "\nfailcnt 0\nfailed_charges 0\nevicted 0\n"
        + "evictions 0\npswpin 0\npswpout 0\nreclaim_requests 0\nreclaimed 0\n");
    assertThat(f.read("/a", "events")).isEqualTo("low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\nsock_throttled 0\n");
    assertThat(f.read("/a", "swap.current")).isEqualTo("0\n");
    assertThat(f.read("/a", "swap.max")).isEqualTo("max\n");
    assertThat(f.read("/a", "swap.events")).isEqualTo("high 0\nmax 0\nfail 0\n");
  }

  @Test
  void limitsAreMemparsedAndRoundedDownToThePage() {
    f.write("/a", "high", "10000\n");
    assertThat(f.read("/a", "high")).isEqualTo("8192\n");
    f.write("/a", "low", "1k");
    assertThat(f.read("/a", "low")).isEqualTo("0\n");
    f.write("/a", "max", "0x100000");
    assertThat(f.read("/a", "max")).as("memparse reads hex").isEqualTo(M + "\n");
    f.write("/a", "max", "010000000");
    assertThat(f.read("/a", "max")).as("and octal").isEqualTo(2 * M + "\n");
    f.write("/a", "max", "max");
    assertThat(f.read("/a", "max")).isEqualTo("max\n");
    f.write("/a", "max", "8E");
    assertThat(f.read("/a", "max")).as("2^63 bytes is more than the counter holds").isEqualTo("max\n");
    f.write("/a", "max", "16E");
    assertThat(f.read("/a", "max")).as("2^64 wraps to 0, as memparse's u64 does").isEqualTo("0\n");
    big.write("/a", "max", "100000");
    assertThat(big.read("/a", "max")).as("pages of the region's size").isEqualTo("65536\n");
    f.write("/a", "swap.max", "3G");
    assertThat(f.read("/a", "swap.max")).isEqualTo(3 * 1024 * M + "\n");
    f.write("/a", "swap.high", "5000");
    assertThat(f.read("/a", "swap.high")).isEqualTo("4096\n");
  }

  @Test
  void aBlankWriteIsMemparseOfNothingWhichIsZero() {
    f.file("max").write(f.state("/a"), "", new FakeFileHandle());
    assertThat(f.read("/a", "max")).as("page_counter_memparse(\"\") is 0, as in the kernel").isEqualTo("0\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "+1", "1.5M", "12Q", "1MB", "abc", "MAX", "Max", "local0 1M", "lmem0 1M", "1M 2M",
      "1M\n2M", "0x", "08", "\u0666\u0664M", "\uff16\uff14M", "64M\u3000", "\u200364M", "64\u2003M", "64 M"})
  void badValuesAreEinvalAndChangeNothing(String value) {
    f.write("/a", "max", "64M");
    assertThat(errno(() -> f.write("/a", "max", value))).isEqualTo(Errno.EINVAL);
    assertThat(f.read("/a", "max")).isEqualTo(64 * M + "\n");
  }

  @Test
  void theKernelsWhiteSpacePadsAndByteA0Too() {
    f.write("/a", "max", "\u00a0\t64M\u00a0\n");
    assertThat(f.read("/a", "max")).isEqualTo(64 * M + "\n");
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
  void reclaimIsWriteOnly() {
    assertThatThrownBy(() -> f.read("/a", "reclaim")).isInstanceOf(CgroupException.class);
    assertThat(errno(() -> f.read("/a", "reclaim"))).isEqualTo(Errno.EACCES);
  }

  @Test
  void bindRefusesADeviceWithoutRegions() {
    assertThatThrownBy(Fixture::new).isInstanceOf(CgroupException.class).hasMessageContaining("no device-memory region");
  }
}
