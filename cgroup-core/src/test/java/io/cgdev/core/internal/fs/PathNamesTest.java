package io.cgdev.core.internal.fs;

import static io.cgdev.core.testing.Errnos.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.Errno;
import org.junit.jupiter.api.Test;

class PathNamesTest {
  @Test
  void splitsAndNormalisesAbsolutePaths() {
    assertThat(PathNames.names("/")).isEmpty();
    assertThat(PathNames.names("//a///b/")).containsExactly("a", "b");
    assertThat(PathNames.normalise(PathNames.names("//a///b/"))).isEqualTo("/a/b");
    assertThat(PathNames.normalise(PathNames.names("/"))).isEqualTo("/");
  }

  @Test
  void refusesRelativePathsAndDots() {
    assertErrno(Errno.EINVAL, () -> PathNames.names("a/b"));
    assertErrno(Errno.EINVAL, () -> PathNames.names(""));
    assertErrno(Errno.EINVAL, () -> PathNames.names(null));
    assertErrno(Errno.ENOENT, () -> PathNames.names("/a/../b"));
    assertErrno(Errno.ENOENT, () -> PathNames.names("/./b"));
  }
}
