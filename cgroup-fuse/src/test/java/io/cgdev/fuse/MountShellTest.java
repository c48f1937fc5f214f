package io.cgdev.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.fuse.internal.MountPoints;
import org.junit.jupiter.api.Test;

/** Drives a mounted tree with bash and coreutils, as a user at a shell would. */
class MountShellTest extends FakeMountFixture {
  @Override
  void afterUnmount() {
    assertThat(MountPoints.isMountPoint(dir)).as("unmounted after close").isFalse();
  }

  private Shell.Result sh(String script) {
    return Shell.bash(dir, script);
  }

  @Test
  void listsTheRootWithKernelModesAndOwners() {
    assertThat(sh("ls").out().lines()).containsExactly(
        "cgroup.controllers", "cgroup.procs", "cgroup.subtree_control", "memory.current", "memory.devices", "memory.stat");
    assertThat(sh("stat -c '%n %a %U %F' cgroup.controllers cgroup.procs memory.devices").out().lines()).containsExactly(
        "cgroup.controllers 444 root regular empty file", "cgroup.procs 644 root regular empty file",
        "memory.devices 755 root directory");
    assertThat(sh("stat -c '%a' .").outLine()).as("the root of a cgroup2 mount").isEqualTo("555");
  }

  @Test
  void writesOneValueAndCatShowsIt() {
    assertThat(sh("mkdir job && cat job/memory.max").outLine()).isEqualTo("max");
    assertThat(sh("echo 256M > job/memory.max && cat job/memory.max").outLine()).isEqualTo("268435456");
    assertThat(sh("echo max > job/memory.max && cat job/memory.max").outLine()).isEqualTo("max");
    assertThat(sh("echo 1G > job/memory.devices/i915.0/memory.max && cat job/memory.devices/i915.0/memory.max").outLine())
        .isEqualTo("1073741824");
  }

  @Test
  void aBadValueReportsTheErrnoAndChangesNothing() {
    sh("mkdir job && echo 64M > job/memory.max");
    Shell.Result bad = sh("echo 12abc > job/memory.max");
    assertThat(bad.exit()).isNotZero();
    assertThat(bad.err()).contains("write error: Invalid argument");
    assertThat(sh("cat job/memory.max").outLine()).isEqualTo("67108864");
    // root opens a read-only file for writing, as on the kernel; the write is refused with EINVAL
    Shell.Result readOnly = sh("echo 5 > memory.current");
    assertThat(readOnly.exit()).isNotZero();
    assertThat(readOnly.err()).contains("write error: Invalid argument");
    // one write of 5000 bytes, as kernfs counts it
    Shell.Result tooBig = sh("head -c 5000 /dev/zero | tr '\\0' 1 | dd of=job/memory.max bs=5000 count=1 iflag=fullblock status=none");
    assertThat(tooBig.exit()).isNotZero();
    assertThat(tooBig.err()).contains("Argument list too long");
    assertThat(sh("cat job/memory.max").outLine()).isEqualTo("67108864");
  }

  @Test
  void metadataIsWhatKernfsReports() {
    sh("mkdir -p a/b");
    // files: size 0 and one link; folders: size 0, two links plus one per sub-folder; the root r-xr-xr-x
    assertThat(sh("stat -c '%n %s %h %a' . a a/b memory.stat cgroup.procs a/memory.max").out().lines()).containsExactly(
        ". 0 4 555", "a 0 4 755", "a/b 0 3 755", "memory.stat 0 1 444", "cgroup.procs 0 1 644", "a/memory.max 0 1 644");
    assertThat(sh("ln cgroup.procs hard").err()).contains("Operation not permitted");
    assertThat(sh("mknod node p").err()).contains("Operation not permitted");
    assertThat(sh("mkfifo fifo").err()).contains("Operation not permitted");
  }

  @Test
  void tarAndCpArchiveTheFilesAsOnTheKernel() {
    sh("mkdir job && echo 64M > job/memory.max");
    // as for /sys/fs/cgroup: tar stores the files with their reported size (0), without complaint
    Shell.Result tar = sh("tar cf - job | tar tvf -");
    assertThat(tar.exit()).as(tar.err()).isZero();
    assertThat(tar.err()).isEmpty();
    assertThat(tar.out().lines().filter(l -> l.endsWith("job/memory.max"))).singleElement()
        .satisfies(line -> assertThat(line.split("\\s+")[2]).isEqualTo("0"));
    // cp reads to the end whatever the size says
    Shell.Result cp = sh("cp job/memory.max memory.stat " + temp + " && cat " + temp + "/memory.max && wc -l < " + temp + "/memory.stat");
    assertThat(cp.exit()).as(cp.err()).isZero();
    assertThat(cp.out().lines()).containsExactly("67108864", "64");
  }

  @Test
  void mkdirAndRmdirMakeAndRemoveCgroups() {
    assertThat(sh("mkdir -p a/b && ls -d a/b && ls a | grep -c '^b$'").outLine()).endsWith("1");
    assertThat(sh("mkdir a").err()).contains("File exists");
    assertThat(sh("mkdir \"$(printf 'x\\ny')\"").err()).contains("Invalid argument"); // a newline, as the kernel refuses
    assertThat(sh("mkdir missing/child").err()).contains("No such file or directory");
    assertThat(sh("rmdir a").err()).contains("Device or resource busy");
    fs.spawn(4242, "/a/b");
    assertThat(sh("cat a/b/cgroup.procs").outLine()).isEqualTo("4242");
    assertThat(sh("rmdir a/b").err()).contains("Device or resource busy");
    assertThat(sh("echo 4242 > cgroup.procs && cat cgroup.procs").outLine()).isEqualTo("4242");
    assertThat(fs.cgroupOf(4242)).isEqualTo("/");
    assertThat(sh("echo 99 > cgroup.procs").err()).contains("No such process");
    assertThat(sh("rmdir a/b && rmdir a && ls").out()).doesNotContain("a\n");
  }

  @Test
  void refusesWhatCgroupfsRefusesWithItsErrno() {
    sh("mkdir a");
    assertThat(sh("rm -f memory.stat").err()).contains("Operation not permitted");
    assertThat(sh("mv a b").err()).contains("Operation not permitted");
    assertThat(sh("ln -s a link").err()).contains("Operation not permitted");
    assertThat(sh("touch newfile").err()).contains("Permission denied");
    assertThat(sh("echo x > a/newfile").err()).contains("Permission denied");
    assertThat(sh("cat memory.devices").err()).contains("Is a directory");
    assertThat(sh("ls memory.stat/x").err()).contains("Not a directory");
    assertThat(sh("ls").out()).doesNotContain("newfile", "link");
    assertThat(sh("touch memory.stat && : > a/memory.max; echo $?").outLine()).isEqualTo("0");
  }

  @Test
  void catSeesOneSnapshotAcrossSmallReads() {
    // dd reads 7 bytes at a time: each read is a separate FUSE read with an offset
    for (int i = 0; i < 5; i++) {
      String stat = sh("dd if=memory.stat bs=7 status=none").out();
      assertThat(stat.lines()).hasSize(64);
      assertThat(stat.lines().map(l -> l.split(" ")[1]).distinct()).as("one counter value in %s", stat).hasSize(1);
    }
  }
}
