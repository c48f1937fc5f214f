package io.cgdev.core.internal.fs;

import static io.cgdev.core.testing.Errnos.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.Errno;
import org.junit.jupiter.api.Test;

class FileViewPathTest {
  @Test
  void splitsAndNormalisesAbsolutePaths() {
    assertThat(FileView.names("/")).isEmpty();
    assertThat(FileView.names("//a///b/")).containsExactly("a", "b");
    assertThat(FileView.normalise(FileView.names("//a///b/"))).isEqualTo("/a/b");
    assertThat(FileView.normalise(FileView.names("/"))).isEqualTo("/");
  }

  @Test
  void refusesRelativePathsAndDots() {
    assertErrno(Errno.EINVAL, () -> FileView.names("a/b"));
    assertErrno(Errno.EINVAL, () -> FileView.names(""));
    assertErrno(Errno.EINVAL, () -> FileView.names(null));
    assertErrno(Errno.ENOENT, () -> FileView.names("/a/../b"));
    assertErrno(Errno.ENOENT, () -> FileView.names("/./b"));
  }
}
