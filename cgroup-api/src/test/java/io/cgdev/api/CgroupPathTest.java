package io.cgdev.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CgroupPathTest {
  @Test
  void normalisesSlashes() {
    assertThat(CgroupPath.parse("/")).isEqualTo(CgroupPath.root());
    assertThat(CgroupPath.parse("//a///b/").toString()).isEqualTo("/a/b");
    assertThat(CgroupPath.parse("/a/b").names()).containsExactly("a", "b");
    assertThat(CgroupPath.parse("/a/b").depth()).isEqualTo(2);
  }

  @Test
  void parentChildAndPrefix() {
    CgroupPath ab = CgroupPath.parse("/a/b");
    assertThat(ab.parent()).isEqualTo(CgroupPath.parse("/a"));
    assertThat(ab.parent().parent().isRoot()).isTrue();
    assertThat(CgroupPath.parse("/a").child("b")).isEqualTo(ab);
    assertThat(ab.startsWith(CgroupPath.parse("/a"))).isTrue();
    assertThat(ab.startsWith(CgroupPath.root())).isTrue();
    assertThat(CgroupPath.parse("/ab").startsWith(CgroupPath.parse("/a"))).isFalse();
    assertThat(ab.name()).isEqualTo("b");
    assertThatThrownBy(() -> CgroupPath.root().parent())
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a", "", "/a/../b", "/./a", "/a/..", "/cgroup.procs", "/a/memory.devices", "/devices", "/a/x.devices",
        "/a\nb"
      })
  void rejectsWithEinval(String path) {
    assertThatThrownBy(() -> CgroupPath.parse(path))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
  }

  @Test
  void limitsNamesTo255Bytes() {
    String ok = "x".repeat(255);
    assertThat(CgroupPath.parse("/" + ok).name()).isEqualTo(ok);
    assertThatThrownBy(() -> CgroupPath.parse("/" + "x".repeat(256)))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
        .hasMessageContaining("255 bytes");
    // 128 two-byte characters are 256 bytes
    assertThatThrownBy(() -> CgroupPath.parse("/" + "é".repeat(128)))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
  }

  @Test
  void ordersByNames() {
    assertThat(CgroupPath.parse("/a").compareTo(CgroupPath.parse("/a/b"))).isNegative();
    assertThat(CgroupPath.parse("/b").compareTo(CgroupPath.parse("/a/b"))).isPositive();
  }
}
