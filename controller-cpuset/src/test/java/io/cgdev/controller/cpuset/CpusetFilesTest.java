package io.cgdev.controller.cpuset;

import static io.cgdev.testkit.Errnos.errnoOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.testkit.TestBinding;
import io.cgdev.testkit.TestCgroups;
import org.junit.jupiter.api.Test;

class CpusetFilesTest {
  private final TestCgroups cgroups = new TestCgroups();
  private final TestBinding<CpusetState> gpu = cgroups.bind(new CpusetController(), TestDevices.gpu0(4, 2));

  @Test
  void rootShowsEverythingAndHasNoLimits() {
    assertThat(gpu.read("/", "cpus.effective")).isEqualTo("0-3\n");
    assertThat(gpu.read("/", "mems.effective")).isEqualTo("0-1\n");
    assertThat(gpu.read("/", "cpus.isolated")).isEqualTo("\n");
    for (String f : new String[] {"cpus", "mems", "cpus.exclusive", "cpus.exclusive.effective", "cpus.partition"}) {
      assertThat(gpu.file(f).appearsOn(true)).as(f).isFalse();
      assertThat(gpu.file(f).appearsOn(false)).as(f).isTrue();
    }
    assertThat(gpu.file("cpus.isolated").appearsOn(false)).isFalse();
    // a core that forgot the flag still cannot configure the root
    assertThatThrownBy(() -> gpu.file("cpus").write(gpu.state(cgroups.root()), "0", null))
        .isInstanceOf(CgroupException.class)
        .extracting(e -> ((CgroupException) e).errno())
        .isEqualTo(Errno.EINVAL);
  }

  @Test
  void namesMapIndicesToEnginesAndRegions() {
    cgroups.mkdir("/a");
    assertThat(gpu.read("/a", "cpus.names")).isEqualTo("0 e0\n1 e1\n2 e2\n3 e3\n");
    assertThat(gpu.read("/", "mems.names")).isEqualTo("0 r0\n1 r1\n");
  }

  @Test
  void newCgroupInheritsAndEmptyMeansAsTheParent() {
    cgroups.mkdir("/a");
    cgroups.mkdir("/a/b");
    assertThat(gpu.read("/a", "cpus")).isEqualTo("\n");
    assertThat(gpu.read("/a", "cpus.effective")).isEqualTo("0-3\n");
    assertThat(gpu.read("/a", "cpus.partition")).isEqualTo("member\n");
    gpu.write("/a", "cpus", "1-2");
    gpu.write("/a/b", "cpus", "2,3");
    assertThat(gpu.read("/a/b", "cpus")).isEqualTo("2-3\n");
    assertThat(gpu.read("/a/b", "cpus.effective")).isEqualTo("2\n");
    gpu.write("/a/b", "cpus", "3");
    assertThat(gpu.read("/a/b", "cpus.effective")).as("empty intersection falls back").isEqualTo("1-2\n");
    gpu.write("/a/b", "cpus", "");
    assertThat(gpu.read("/a/b", "cpus.effective")).isEqualTo("1-2\n");
  }

  @Test
  void memsNarrowLikeCpus() {
    cgroups.mkdir("/a");
    cgroups.mkdir("/a/b");
    gpu.write("/a", "mems", "1");
    assertThat(gpu.read("/a/b", "mems.effective")).isEqualTo("1\n");
    gpu.write("/a/b", "mems", "0");
    assertThat(gpu.read("/a/b", "mems.effective")).isEqualTo("1\n");
    assertThat(errnoOf(() -> gpu.write("/a", "mems", "2"))).isEqualTo(Errno.EINVAL);
    assertThat(gpu.read("/a", "mems")).isEqualTo("1\n");
  }

  @Test
  void badListsFailWholeAndChangeNothing() {
    cgroups.mkdir("/a");
    gpu.write("/a", "cpus", "0-1");
    assertThat(errnoOf(() -> gpu.write("/a", "cpus", "0-4"))).isEqualTo(Errno.EINVAL);
    assertThat(errnoOf(() -> gpu.write("/a", "cpus", "2,x"))).isEqualTo(Errno.EINVAL);
    assertThat(errnoOf(() -> gpu.write("/a", "cpus", "3-2"))).isEqualTo(Errno.EINVAL);
    assertThat(errnoOf(() -> gpu.write("/a", "cpus", "70000"))).isEqualTo(Errno.ERANGE);
    assertThat(errnoOf(() -> gpu.write("/a", "cpus.exclusive", "4"))).isEqualTo(Errno.EINVAL);
    assertThat(gpu.read("/a", "cpus")).isEqualTo("0-1\n");
    assertThat(gpu.read("/a", "cpus.effective")).isEqualTo("0-1\n");
    assertThat(gpu.read("/a", "cpus.exclusive")).isEqualTo("\n");
  }

  @Test
  void errorMessagesNameTheFileAndValue() {
    cgroups.mkdir("/a");
    assertThatThrownBy(() -> gpu.write("/a", "cpus", "0-9"))
        .hasMessageContaining("/a/cpuset.devices/gpu0/cpuset.cpus")
        .hasMessageContaining("0-9")
        .hasMessageContaining("4 engines");
  }

  @Test
  void partitionWordsOnly() {
    cgroups.mkdir("/a");
    gpu.write("/a", "cpus", "0");
    assertThat(errnoOf(() -> gpu.write("/a", "cpus.partition", "Root"))).isEqualTo(Errno.EINVAL);
    assertThat(errnoOf(() -> gpu.write("/a", "cpus.partition", "root invalid"))).isEqualTo(Errno.EINVAL);
    assertThat(gpu.read("/a", "cpus.partition")).isEqualTo("member\n");
    gpu.write("/a", "cpus.partition", "isolated");
    assertThat(gpu.read("/a", "cpus.partition")).isEqualTo("isolated\n");
    assertThat(gpu.read("/", "cpus.isolated")).isEqualTo("0\n");
    assertThat(gpu.read("/", "cpus.effective")).isEqualTo("1-3\n");
  }

  @Test
  void invalidReasonsReadAsTheKernelWritesThem() {
    cgroups.mkdir("/a");
    cgroups.mkdir("/a/b");
    gpu.write("/a", "cpus.partition", "root");
    assertThat(gpu.read("/a", "cpus.partition"))
        .isEqualTo("root invalid (cpuset.cpus and cpuset.cpus.exclusive are empty)\n");
    gpu.write("/a", "cpus", "0-3");
    assertThat(gpu.read("/a", "cpus.partition"))
        .as("the root keeps at least one engine")
        .isEqualTo("root invalid (Parent unable to distribute cpu downstream)\n");
    gpu.write("/a/b", "cpus", "1");
    gpu.write("/a/b", "cpus.partition", "isolated");
    assertThat(gpu.read("/a/b", "cpus.partition"))
        .isEqualTo("isolated invalid (Parent is an invalid partition root)\n");
    gpu.write("/a", "cpus.partition", "member");
    assertThat(gpu.read("/a/b", "cpus.partition"))
        .isEqualTo("isolated invalid (Parent is not a partition root)\n");
    gpu.write("/a", "cpus", "0-2");
    gpu.write("/a", "cpus.partition", "root");
    assertThat(gpu.read("/a", "cpus.partition")).isEqualTo("root\n");
    assertThat(gpu.read("/a/b", "cpus.partition")).isEqualTo("isolated\n");
    cgroups.mkdir("/c");
    gpu.write("/c", "cpus", "2-3");
    assertThat(gpu.read("/a", "cpus.partition"))
        .isEqualTo("root invalid (Cpu list in cpuset.cpus not exclusive)\n");
    gpu.write("/c", "cpus", "3");
    gpu.write("/a/b", "cpus.exclusive", "3");
    assertThat(gpu.read("/a/b", "cpus.partition"))
        .isEqualTo("isolated invalid (Invalid cpu list in cpuset.cpus.exclusive)\n");
  }

  @Test
  void partitionTakesEnginesFromSiblingsAndParentAndGivesThemBackOnRemoval() {
    cgroups.mkdir("/p");
    gpu.write("/p", "cpus", "0-2");
    gpu.write("/p", "cpus.partition", "root");
    cgroups.mkdir("/p/x");
    cgroups.mkdir("/p/m");
    // m names no engines of its own (a sibling whose cpus overlap x's would invalidate x)
    gpu.write("/p/x", "cpus", "1");
    gpu.write("/p/x", "cpus.partition", "root");
    assertThat(gpu.read("/p", "cpus.effective")).isEqualTo("0,2\n");
    assertThat(gpu.read("/p/m", "cpus.effective")).isEqualTo("0,2\n");
    assertThat(gpu.read("/p/x", "cpus.effective")).isEqualTo("1\n");
    assertThat(gpu.read("/", "cpus.effective")).isEqualTo("3\n");
    assertThat(gpu.read("/p/x", "cpus.exclusive.effective")).isEqualTo("1\n");
    cgroups.rmdir("/p/x");
    assertThat(gpu.read("/p", "cpus.effective")).isEqualTo("0-2\n");
    assertThat(gpu.read("/p/m", "cpus.effective")).isEqualTo("0-2\n");
  }

  @Test
  void exclusiveWritesFollowTheExclusivityRule() {
    cgroups.mkdir("/a");
    cgroups.mkdir("/b");
    cgroups.mkdir("/c");
    gpu.write("/a", "cpus.exclusive", "0-1");
    assertThat(errnoOf(() -> gpu.write("/b", "cpus.exclusive", "1-2"))).as("both set, overlap").isEqualTo(Errno.EINVAL);
    gpu.write("/b", "cpus", "2");
    assertThat(errnoOf(() -> gpu.write("/a", "cpus.exclusive", "0-2"))).as("b's cpus inside").isEqualTo(Errno.EINVAL);
    gpu.write("/b", "cpus.exclusive", "3");
    // cpuset.cpus writes are never refused for exclusivity (as on cgroup v2)
    gpu.write("/c", "cpus", "1");
    assertThat(errnoOf(() -> gpu.write("/c", "cpus.exclusive", ""))).as("c's cpus inside a's").isEqualTo(Errno.EINVAL);
    assertThat(gpu.read("/a", "cpus.exclusive")).isEqualTo("0-1\n");
    assertThat(gpu.read("/a", "cpus.exclusive.effective")).isEqualTo("0-1\n");
    assertThat(gpu.read("/b", "cpus.exclusive.effective")).isEqualTo("3\n");
    assertThat(gpu.read("/c", "cpus.exclusive")).isEqualTo("\n");
    // a valid partition root is exclusive: no sibling may claim its engines
    cgroups.mkdir("/d");
    gpu.write("/c", "cpus", "");
    gpu.write("/d", "cpus", "2");
    gpu.write("/b", "cpus.exclusive", "");
    gpu.write("/b", "cpus", "");
    gpu.write("/d", "cpus.partition", "root");
    assertThat(gpu.read("/d", "cpus.partition")).isEqualTo("root\n");
    assertThat(errnoOf(() -> gpu.write("/c", "cpus.exclusive", "2-3"))).isEqualTo(Errno.EINVAL);
    gpu.write("/c", "cpus.exclusive", "3");
  }
}
