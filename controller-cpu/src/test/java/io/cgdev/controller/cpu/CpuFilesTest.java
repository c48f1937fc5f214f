package io.cgdev.controller.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.FileFlag;
import io.cgdev.api.spi.TimeSharing;
import io.cgdev.testkit.FakeClock;
import io.cgdev.testkit.TestBinding;
import io.cgdev.testkit.TestCgroups;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The file table: names, flags, defaults, formats and errnos. */
class CpuFilesTest {
  private final FakeClock clock = new FakeClock();
  private final TestCgroups cgroups = new TestCgroups();
  private final TestBinding<CpuState> gpu = cgroups.bind(new CpuController(), TestDevices.gpu0(clock, "rcs0", "bcs0"));
  private final CgroupHandle a = cgroups.mkdir(cgroups.root(), "a");

  private static void assertErrno(Runnable r, Errno errno, String inMessage) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(errno))
        .hasMessageContaining(inMessage);
  }

  @Test
  void theTableNamesSixFilesAndOnlyStatAndPressureAreOnTheRoot() {
    List<CgroupFile<CpuState>> files = gpu.controller().deviceFiles();
    assertThat(gpu.controller().name()).isEqualTo("cpu");
    assertThat(files).extracting(CgroupFile::name).containsExactly("weight", "weight.nice", "max", "max.burst", "stat", "pressure");
    for (CgroupFile<CpuState> f : files) {
      assertThat(f.has(FileFlag.NOT_ON_ROOT)).as(f.name()).isEqualTo(!f.name().equals("stat") && !f.name().equals("pressure"));
    }
    assertThat(gpu.file("cpu.stat").writable()).isFalse();
    assertErrno(() -> gpu.read(cgroups.root(), "cpu.weight"), Errno.ENOENT, "cpu.weight");
  }

  @Test
  void defaults() {
    assertThat(gpu.read(a, "cpu.weight")).isEqualTo("100\n");
    assertThat(gpu.read(a, "cpu.weight.nice")).isEqualTo("0\n");
    assertThat(gpu.read(a, "cpu.max")).isEqualTo("max 100000\n");
    assertThat(gpu.read(a, "cpu.max.burst")).isEqualTo("0\n");
    assertThat(gpu.read(a, "cpu.stat")).isEqualTo("""
        usage_usec 0
        nr_periods 0
        nr_throttled 0
        throttled_usec 0
        nr_bursts 0
        burst_usec 0
        usage_usec.rcs0 0
        usage_usec.bcs0 0
        """);
    assertThat(gpu.read(cgroups.root(), "cpu.stat")).isEqualTo("usage_usec 0\nusage_usec.rcs0 0\nusage_usec.bcs0 0\n");
  }

  @Test
  void weightAndNiceAreTwoViewsOfOneValue() {
    gpu.write(a, "cpu.weight.nice", "-20");
    assertThat(gpu.read(a, "cpu.weight")).isEqualTo("8668\n");
    gpu.write(a, "cpu.weight", "1");
    assertThat(gpu.read(a, "cpu.weight.nice")).isEqualTo("19\n");
    gpu.write(a, "cpu.weight", " 250\n".strip());
    assertThat(gpu.read(a, "cpu.weight")).isEqualTo("250\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "10001", "18446744073709551616"})
  void badWeightIsErangeAndChangesNothing(String v) {
    gpu.write(a, "cpu.weight", "300");
    assertErrno(() -> gpu.write(a, "cpu.weight", v), Errno.ERANGE, v);
    assertThat(gpu.read(a, "cpu.weight")).isEqualTo("300\n");
  }

  @Test
  void cpuMaxParsesAndKeepsThePeriodOfALoneMax() {
    gpu.write(a, "cpu.max", "50000 200000");
    assertThat(gpu.read(a, "cpu.max")).isEqualTo("50000 200000\n");
    gpu.write(a, "cpu.max", "70000");
    assertThat(gpu.read(a, "cpu.max")).isEqualTo("70000 200000\n");
    gpu.write(a, "cpu.max", "max");
    assertThat(gpu.read(a, "cpu.max")).isEqualTo("max 200000\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0 100000", "50000 999", "50000 1000001", "abc", "0x10000 100000", "-1"})
  void badCpuMaxIsEinvalAndChangesNothing(String v) {
    gpu.write(a, "cpu.max", "50000 100000");
    assertErrno(() -> gpu.write(a, "cpu.max", v), Errno.EINVAL, "cpu.max");
    assertThat(gpu.read(a, "cpu.max")).isEqualTo("50000 100000\n");
  }

  @Test
  void burstMustNotExceedTheQuota() {
    gpu.write(a, "cpu.max", "50000 100000");
    gpu.write(a, "cpu.max.burst", "50000");
    assertThat(gpu.read(a, "cpu.max.burst")).isEqualTo("50000\n");
    assertErrno(() -> gpu.write(a, "cpu.max.burst", "50001"), Errno.EINVAL, "50001");
    assertErrno(() -> gpu.write(a, "cpu.max", "40000"), Errno.EINVAL, "cpu.max.burst");
    assertThat(gpu.read(a, "cpu.max")).isEqualTo("50000 100000\n");
    assertThat(gpu.read(a, "cpu.max.burst")).isEqualTo("50000\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "x", "1.5", "17592186044416"})
  void badBurstIsEinval(String v) {
    assertErrno(() -> gpu.write(a, "cpu.max.burst", v), Errno.EINVAL, "cpu.max.burst");
    assertThat(gpu.read(a, "cpu.max.burst")).isEqualTo("0\n");
  }

  @Test
  void burstWithoutALimitIsKeptForLater() {
    gpu.write(a, "cpu.max.burst", "1000000");
    assertThat(gpu.read(a, "cpu.max.burst")).isEqualTo("1000000\n");
    assertErrno(() -> gpu.write(a, "cpu.max", "50000"), Errno.EINVAL, "cpu.max.burst");
  }

  @Test
  void statCountsUsagePerEngineAndUpTheTree() {
    CgroupHandle a1 = cgroups.mkdir(a, "a1");
    var c = gpu.capability(TimeSharing.class).orElseThrow().open(a1, "c");
    c.ran(0, 3_000_000);
    c.ran(1, 2_000_999);
    for (CgroupHandle cg : List.of(a1, a, cgroups.root())) {
      assertThat(gpu.readKey(cg, "cpu.stat", "usage_usec.rcs0")).isEqualTo(3000);
      assertThat(gpu.readKey(cg, "cpu.stat", "usage_usec.bcs0")).isEqualTo(2000);
      assertThat(gpu.readKey(cg, "cpu.stat", "usage_usec")).isEqualTo(5000);
    }
  }
}
