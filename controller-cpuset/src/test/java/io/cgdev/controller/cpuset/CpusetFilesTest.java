package io.cgdev.controller.cpuset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import org.junit.jupiter.api.Test;

class CpusetFilesTest {
  private final FakeHierarchy h = new FakeHierarchy(4, 2);

  private static Errno errno(Runnable r) {
    try {
      r.run();
    } catch (CgroupException e) {
      return e.errno();
    }
    throw new AssertionError("expected a CgroupException");
  }

  @Test
  void rootShowsEverythingAndHasNoLimits() {
    assertThat(h.read("/", "cpus.effective")).isEqualTo("0-3\n");
    assertThat(h.read("/", "mems.effective")).isEqualTo("0-1\n");
    assertThat(h.read("/", "cpus.isolated")).isEqualTo("\n");
    for (String f : new String[] {"cpus", "mems", "cpus.exclusive", "cpus.exclusive.effective", "cpus.partition"}) {
      assertThat(h.file(f).appearsOn(true)).as(f).isFalse();
      assertThat(h.file(f).appearsOn(false)).as(f).isTrue();
    }
    assertThat(h.file("cpus.isolated").appearsOn(false)).isFalse();
    // a core that forgot the flag still cannot configure the root
    assertThatThrownBy(() -> h.file("cpus").write(h.root.state, "0", null))
        .isInstanceOf(CgroupException.class)
        .extracting(e -> ((CgroupException) e).errno())
        .isEqualTo(Errno.EINVAL);
  }

  @Test
  void namesMapIndicesToEnginesAndRegions() {
    h.mkdir("/a");
    assertThat(h.read("/a", "cpus.names")).isEqualTo("0 e0\n1 e1\n2 e2\n3 e3\n");
    assertThat(h.read("/", "mems.names")).isEqualTo("0 r0\n1 r1\n");
  }

  @Test
  void newCgroupInheritsAndEmptyMeansAsTheParent() {
    h.mkdir("/a");
    h.mkdir("/a/b");
    assertThat(h.read("/a", "cpus")).isEqualTo("\n");
    assertThat(h.read("/a", "cpus.effective")).isEqualTo("0-3\n");
    assertThat(h.read("/a", "cpus.partition")).isEqualTo("member\n");
    h.write("/a", "cpus", "1-2");
    h.write("/a/b", "cpus", "2,3");
    assertThat(h.read("/a/b", "cpus")).isEqualTo("2-3\n");
    assertThat(h.read("/a/b", "cpus.effective")).isEqualTo("2\n");
    h.write("/a/b", "cpus", "3");
    assertThat(h.read("/a/b", "cpus.effective")).as("empty intersection falls back").isEqualTo("1-2\n");
    h.write("/a/b", "cpus", "");
    assertThat(h.read("/a/b", "cpus.effective")).isEqualTo("1-2\n");
  }

  @Test
  void memsNarrowLikeCpus() {
    h.mkdir("/a");
    h.mkdir("/a/b");
    h.write("/a", "mems", "1");
    assertThat(h.read("/a/b", "mems.effective")).isEqualTo("1\n");
    h.write("/a/b", "mems", "0");
    assertThat(h.read("/a/b", "mems.effective")).isEqualTo("1\n");
    assertThat(errno(() -> h.write("/a", "mems", "2"))).isEqualTo(Errno.EINVAL);
    assertThat(h.read("/a", "mems")).isEqualTo("1\n");
  }

  @Test
  void badListsFailWholeAndChangeNothing() {
    h.mkdir("/a");
    h.write("/a", "cpus", "0-1");
    assertThat(errno(() -> h.write("/a", "cpus", "0-4"))).isEqualTo(Errno.EINVAL);
    assertThat(errno(() -> h.write("/a", "cpus", "2,x"))).isEqualTo(Errno.EINVAL);
    assertThat(errno(() -> h.write("/a", "cpus", "3-2"))).isEqualTo(Errno.EINVAL);
    assertThat(errno(() -> h.write("/a", "cpus", "70000"))).isEqualTo(Errno.ERANGE);
    assertThat(errno(() -> h.write("/a", "cpus.exclusive", "4"))).isEqualTo(Errno.EINVAL);
    assertThat(h.read("/a", "cpus")).isEqualTo("0-1\n");
    assertThat(h.read("/a", "cpus.effective")).isEqualTo("0-1\n");
    assertThat(h.read("/a", "cpus.exclusive")).isEqualTo("\n");
  }

  @Test
  void errorMessagesNameTheFileAndValue() {
    h.mkdir("/a");
    assertThatThrownBy(() -> h.write("/a", "cpus", "0-9"))
        .hasMessageContaining("/a/cpuset.devices/gpu0/cpuset.cpus")
        .hasMessageContaining("0-9")
        .hasMessageContaining("4 engines");
  }

  @Test
  void partitionWordsOnly() {
    h.mkdir("/a");
    h.write("/a", "cpus", "0");
    assertThat(errno(() -> h.write("/a", "cpus.partition", "Root"))).isEqualTo(Errno.EINVAL);
    assertThat(errno(() -> h.write("/a", "cpus.partition", "root invalid"))).isEqualTo(Errno.EINVAL);
    assertThat(h.read("/a", "cpus.partition")).isEqualTo("member\n");
    h.write("/a", "cpus.partition", "isolated");
    assertThat(h.read("/a", "cpus.partition")).isEqualTo("isolated\n");
    assertThat(h.read("/", "cpus.isolated")).isEqualTo("0\n");
    assertThat(h.read("/", "cpus.effective")).isEqualTo("1-3\n");
  }

  @Test
  void invalidReasonsReadAsTheKernelWritesThem() {
    h.mkdir("/a");
    h.mkdir("/a/b");
    h.write("/a", "cpus.partition", "root");
    assertThat(h.read("/a", "cpus.partition"))
        .isEqualTo("root invalid (cpuset.cpus and cpuset.cpus.exclusive are empty)\n");
    h.write("/a", "cpus", "0-3");
    assertThat(h.read("/a", "cpus.partition"))
        .as("the root keeps at least one engine")
        .isEqualTo("root invalid (Parent unable to distribute cpu downstream)\n");
    h.write("/a/b", "cpus", "1");
    h.write("/a/b", "cpus.partition", "isolated");
    assertThat(h.read("/a/b", "cpus.partition"))
        .isEqualTo("isolated invalid (Parent is an invalid partition root)\n");
    h.write("/a", "cpus.partition", "member");
    assertThat(h.read("/a/b", "cpus.partition"))
        .isEqualTo("isolated invalid (Parent is not a partition root)\n");
    h.write("/a", "cpus", "0-2");
    h.write("/a", "cpus.partition", "root");
    assertThat(h.read("/a", "cpus.partition")).isEqualTo("root\n");
    assertThat(h.read("/a/b", "cpus.partition")).isEqualTo("isolated\n");
    h.mkdir("/c");
    h.write("/c", "cpus", "2-3");
    assertThat(h.read("/a", "cpus.partition"))
        .isEqualTo("root invalid (Cpu list in cpuset.cpus not exclusive)\n");
    h.write("/c", "cpus", "3");
    h.write("/a/b", "cpus.exclusive", "3");
    assertThat(h.read("/a/b", "cpus.partition"))
        .isEqualTo("isolated invalid (Invalid cpu list in cpuset.cpus.exclusive)\n");
  }

  @Test
  void partitionTakesEnginesFromSiblingsAndParentAndGivesThemBackOnRemoval() {
    h.mkdir("/p");
    h.write("/p", "cpus", "0-2");
    h.write("/p", "cpus.partition", "root");
    h.mkdir("/p/x");
    h.mkdir("/p/m");
    // m names no engines of its own (a sibling whose cpus overlap x's would invalidate x)
    h.write("/p/x", "cpus", "1");
    h.write("/p/x", "cpus.partition", "root");
    assertThat(h.read("/p", "cpus.effective")).isEqualTo("0,2\n");
    assertThat(h.read("/p/m", "cpus.effective")).isEqualTo("0,2\n");
    assertThat(h.read("/p/x", "cpus.effective")).isEqualTo("1\n");
    assertThat(h.read("/", "cpus.effective")).isEqualTo("3\n");
    assertThat(h.read("/p/x", "cpus.exclusive.effective")).isEqualTo("1\n");
    h.rmdir("/p/x");
    assertThat(h.read("/p", "cpus.effective")).isEqualTo("0-2\n");
    assertThat(h.read("/p/m", "cpus.effective")).isEqualTo("0-2\n");
  }

  @Test
  void exclusiveWritesFollowTheExclusivityRule() {
    h.mkdir("/a");
    h.mkdir("/b");
    h.mkdir("/c");
    h.write("/a", "cpus.exclusive", "0-1");
    assertThat(errno(() -> h.write("/b", "cpus.exclusive", "1-2"))).as("both set, overlap").isEqualTo(Errno.EINVAL);
    h.write("/b", "cpus", "2");
    assertThat(errno(() -> h.write("/a", "cpus.exclusive", "0-2"))).as("b's cpus inside").isEqualTo(Errno.EINVAL);
    h.write("/b", "cpus.exclusive", "3");
    // cpuset.cpus writes are never refused for exclusivity (as on cgroup v2)
    h.write("/c", "cpus", "1");
    assertThat(errno(() -> h.write("/c", "cpus.exclusive", ""))).as("c's cpus inside a's").isEqualTo(Errno.EINVAL);
    assertThat(h.read("/a", "cpus.exclusive")).isEqualTo("0-1\n");
    assertThat(h.read("/a", "cpus.exclusive.effective")).isEqualTo("0-1\n");
    assertThat(h.read("/b", "cpus.exclusive.effective")).isEqualTo("3\n");
    assertThat(h.read("/c", "cpus.exclusive")).isEqualTo("\n");
    // a valid partition root is exclusive: no sibling may claim its engines
    h.mkdir("/d");
    h.write("/c", "cpus", "");
    h.write("/d", "cpus", "2");
    h.write("/b", "cpus.exclusive", "");
    h.write("/b", "cpus", "");
    h.write("/d", "cpus.partition", "root");
    assertThat(h.read("/d", "cpus.partition")).isEqualTo("root\n");
    assertThat(errno(() -> h.write("/c", "cpus.exclusive", "2-3"))).isEqualTo(Errno.EINVAL);
    h.write("/c", "cpus.exclusive", "3");
  }
}
