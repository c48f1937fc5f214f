package io.cgdev.core.internal.hierarchy;

import static io.cgdev.core.testing.Errnos.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.Errno;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoreFilesTest {
  @Test
  void namesMatchTheFiles() {
    CoreFiles files = new CoreFiles(new Hierarchy(List.of(), false));
    assertThat(files.files().keySet()).isEqualTo(CoreFileNames.NAMES);
    assertThat(files.files().get("cgroup.procs").mode()).isEqualTo(0644);
    assertThat(files.files().get("cgroup.events").mode()).isEqualTo(0444);
  }

  @Test
  void limitsAreMaxOrAnInt() {
    assertThat(CoreFiles.parseLimit("max", "x")).isEqualTo(Long.MAX_VALUE);
    assertThat(CoreFiles.parseLimit("0", "x")).isZero();
    // INT_MAX is the kernel's "max"; kstrtoint's forms are numbers
    assertThat(CoreFiles.parseLimit("2147483647", "x")).isEqualTo(Long.MAX_VALUE);
    assertThat(CoreFiles.parseLimit("2147483646", "x")).isEqualTo(Integer.MAX_VALUE - 1);
    assertThat(CoreFiles.parseLimit("+5", "x")).isEqualTo(5);
    assertThat(CoreFiles.parseLimit("010", "x")).isEqualTo(8);
    assertThat(CoreFiles.parseLimit("0x10", "x")).isEqualTo(16);
    assertThat(CoreFiles.parseLimit("-0", "x")).isZero();
    assertErrno(Errno.EINVAL, () -> CoreFiles.parseLimit("08", "x"));
    assertErrno(Errno.EINVAL, () -> CoreFiles.parseLimit("MAX", "x"));
    assertErrno(Errno.EINVAL, () -> CoreFiles.parseLimit("\u0665", "x"));
    assertErrno(Errno.ERANGE, () -> CoreFiles.parseLimit("2147483648", "x"));
    assertErrno(Errno.ERANGE, () -> CoreFiles.parseLimit("-1", "x"));
    assertErrno(Errno.EINVAL, () -> CoreFiles.parseLimit("1.5", "x"));
    assertErrno(Errno.EINVAL, () -> CoreFiles.parseLimit("", "x"));
  }
}
