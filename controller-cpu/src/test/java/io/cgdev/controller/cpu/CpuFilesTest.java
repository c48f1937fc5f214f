package io.cgdev.controller.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.FileFlag;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The file table: names, flags, defaults, formats and errnos. */
class CpuFilesTest {
  private final FakeTree tree = new FakeTree("rcs0", "bcs0");
  private final FakeTree.Cg a = tree.mkdir(tree.root, "a");

  private static void assertErrno(Runnable r, Errno errno, String inMessage) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(errno))
        .hasMessageContaining(inMessage);
  }

  @Test
  void theTableNamesFiveFilesAndOnlyStatIsOnTheRoot() {
    List<CgroupFile<CpuState>> files = tree.controller.deviceFiles();
    assertThat(tree.controller.name()).isEqualTo("cpu");
    assertThat(files).extracting(CgroupFile::name).containsExactly("weight", "weight.nice", "max", "max.burst", "stat");
    for (CgroupFile<CpuState> f : files) {
      assertThat(f.has(FileFlag.NOT_ON_ROOT)).as(f.name()).isEqualTo(!f.name().equals("stat"));
    }
    assertThat(tree.file("cpu.stat").writable()).isFalse();
    assertErrno(() -> tree.read(tree.root, "cpu.weight"), Errno.ENOENT, "cpu.weight");
  }

  @Test
  void defaults() {
    assertThat(tree.read(a, "cpu.weight")).isEqualTo("100\n");
    assertThat(tree.read(a, "cpu.weight.nice")).isEqualTo("0\n");
    assertThat(tree.read(a, "cpu.max")).isEqualTo("max 100000\n");
    assertThat(tree.read(a, "cpu.max.burst")).isEqualTo("0\n");
    assertThat(tree.read(a, "cpu.stat")).isEqualTo("""
        usage_usec 0
        nr_periods 0
        nr_throttled 0
        throttled_usec 0
        nr_bursts 0
        burst_usec 0
        usage_usec.rcs0 0
        usage_usec.bcs0 0
        """);
    assertThat(tree.read(tree.root, "cpu.stat")).isEqualTo("usage_usec 0\nusage_usec.rcs0 0\nusage_usec.bcs0 0\n");
  }

  @Test
  void weightAndNiceAreTwoViewsOfOneValue() {
    tree.write(a, "cpu.weight.nice", "-20");
    assertThat(tree.read(a, "cpu.weight")).isEqualTo("8668\n");
    tree.write(a, "cpu.weight", "1");
    assertThat(tree.read(a, "cpu.weight.nice")).isEqualTo("19\n");
    tree.write(a, "cpu.weight", " 250\n".strip());
    assertThat(tree.read(a, "cpu.weight")).isEqualTo("250\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "10001", "-5"})
  void badWeightIsErangeAndChangesNothing(String v) {
    tree.write(a, "cpu.weight", "300");
    assertErrno(() -> tree.write(a, "cpu.weight", v), Errno.ERANGE, v);
    assertThat(tree.read(a, "cpu.weight")).isEqualTo("300\n");
  }

  @Test
  void cpuMaxParsesAndKeepsThePeriodOfALoneMax() {
    tree.write(a, "cpu.max", "50000 200000");
    assertThat(tree.read(a, "cpu.max")).isEqualTo("50000 200000\n");
    tree.write(a, "cpu.max", "70000");
    assertThat(tree.read(a, "cpu.max")).isEqualTo("70000 200000\n");
    tree.write(a, "cpu.max", "max");
    assertThat(tree.read(a, "cpu.max")).isEqualTo("max 200000\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0 100000", "50000 999", "50000 1000001", "abc", "50000 100000 3", "-1"})
  void badCpuMaxIsEinvalAndChangesNothing(String v) {
    tree.write(a, "cpu.max", "50000 100000");
    assertErrno(() -> tree.write(a, "cpu.max", v), Errno.EINVAL, "cpu.max");
    assertThat(tree.read(a, "cpu.max")).isEqualTo("50000 100000\n");
  }

  @Test
  void burstMustNotExceedTheQuota() {
    tree.write(a, "cpu.max", "50000 100000");
    tree.write(a, "cpu.max.burst", "50000");
    assertThat(tree.read(a, "cpu.max.burst")).isEqualTo("50000\n");
    assertErrno(() -> tree.write(a, "cpu.max.burst", "50001"), Errno.EINVAL, "50001");
    assertErrno(() -> tree.write(a, "cpu.max", "40000"), Errno.EINVAL, "cpu.max.burst");
    assertThat(tree.read(a, "cpu.max")).isEqualTo("50000 100000\n");
    assertThat(tree.read(a, "cpu.max.burst")).isEqualTo("50000\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "x", "1.5", "17592186044416"})
  void badBurstIsEinval(String v) {
    assertErrno(() -> tree.write(a, "cpu.max.burst", v), Errno.EINVAL, "cpu.max.burst");
    assertThat(tree.read(a, "cpu.max.burst")).isEqualTo("0\n");
  }

  @Test
  void burstWithoutALimitIsKeptForLater() {
    tree.write(a, "cpu.max.burst", "1000000");
    assertThat(tree.read(a, "cpu.max.burst")).isEqualTo("1000000\n");
    assertErrno(() -> tree.write(a, "cpu.max", "50000"), Errno.EINVAL, "cpu.max.burst");
  }

  @Test
  void statCountsUsagePerEngineAndUpTheTree() {
    FakeTree.Cg a1 = tree.mkdir(a, "a1");
    var c = tree.timeSharing().open(a1, "c");
    c.ran(0, 3_000_000);
    c.ran(1, 2_000_999);
    for (FakeTree.Cg cg : List.of(a1, a, tree.root)) {
      assertThat(tree.stat(cg, "usage_usec.rcs0")).isEqualTo(3000);
      assertThat(tree.stat(cg, "usage_usec.bcs0")).isEqualTo(2000);
      assertThat(tree.stat(cg, "usage_usec")).isEqualTo(5000);
    }
  }
}
