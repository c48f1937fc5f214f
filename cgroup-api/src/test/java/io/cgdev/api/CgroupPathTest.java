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
  @ValueSource(strings = {"a", "", "/a/../b", "/./a", "/a/..", "/a\nb", "/a\u0000b"})
  void rejectsWithEinval(String path) {
    assertThatThrownBy(() -> CgroupPath.parse(path))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
  }

  /** kernfs reserves no names: the host kernel makes cgroups with all of these (only existing entries are EEXIST). */
  @ParameterizedTest
  @ValueSource(strings = {"/cgroup.procs", "/a/cgroup.foo", "/a/memory.devices", "/devices", "/a/x.devices", "/memory.max",
      "/ a", "/a\tb", "/\u00a0"})
  void acceptsNamesTheKernelAccepts(String path) {
    assertThat(CgroupPath.parse(path).toString()).isEqualTo(path);
  }

  @Test
  void namesMayBeLongerThan255BytesUpToPathMax() {
    String long256 = "x".repeat(256);
    assertThat(CgroupPath.parse("/" + long256).name()).isEqualTo(long256);
    String ok = "x".repeat(CgroupPath.MAX_NAME_BYTES);
    assertThat(CgroupPath.parse("/" + ok).name()).isEqualTo(ok);
    assertThatThrownBy(() -> CgroupPath.parse("/" + ok + "x"))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENAMETOOLONG))
        .hasMessageContaining("4095 bytes");
    // 2048 two-byte characters are 4096 bytes
    assertThatThrownBy(() -> CgroupPath.parse("/" + "é".repeat(2048)))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENAMETOOLONG));
  }

  @Test
  void ordersByNames() {
    assertThat(CgroupPath.parse("/a").compareTo(CgroupPath.parse("/a/b"))).isNegative();
    assertThat(CgroupPath.parse("/b").compareTo(CgroupPath.parse("/a/b"))).isPositive();
  }
}
