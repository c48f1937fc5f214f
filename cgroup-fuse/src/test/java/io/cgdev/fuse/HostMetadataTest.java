package io.cgdev.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cgdev.core.Cgroups;
import java.nio.file.Path;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metadata and refusals as the host kernel reports them: the same shell script runs in a fresh
 * cgroup of the host's cgroup2 and in a fresh cgroup of the mount (the real core), as root, and
 * must print the same for every core file both have: sizes, link counts, modes and types from
 * {@code stat}; writes to read-only files (open succeeds for root, the write is {@code EINVAL});
 * truncation; and the file operations cgroupfs refuses (hard links, device nodes, fifos, new files,
 * unlink, rename). Needs root and a writable host cgroup2; skipped with one line otherwise.
 */
class HostMetadataTest {
  @TempDir static Path temp;
  private static Path hostRoot;
  private static Path hostProbe;
  private static Cgroups cgroups;
  private static CgroupMount mount;

  @BeforeAll
  static void setUp() throws Exception {
    FuseTesting.requireFuse();
    assumeTrue(FuseTesting.isRoot(), "comparing with the host's cgroup2 needs root");
    Optional<Path> host = HostCgroup2.find();
    assumeTrue(host.isPresent(), HostCgroup2.missingReason());
    hostRoot = host.get();
    hostProbe = HostCgroup2.makeProbe(hostRoot, "meta");
    cgroups = Cgroups.builder().discover(true).build();
    mount = CgroupMount.mount(cgroups.fs(), FuseTesting.mountPoint(temp), MountOptions.defaults());
    assertThat(Shell.bash(mount.dir(), "mkdir probe").exit()).isZero();
  }

  @AfterAll
  static void tearDown() {
    if (mount != null) {
      mount.close();
    }
    if (cgroups != null) {
      cgroups.close();
    }
    if (hostProbe != null) {
      HostCgroup2.removeTree(hostProbe);
    }
  }

  private static Path cgdevProbe() {
    return mount.dir().resolve("probe");
  }

  /** Names of the regular files in a cgroup, as ls shows them. */
  private static TreeSet<String> files(Path cgroup) {
    return new TreeSet<>(Shell.bash(cgroup, "find . -maxdepth 1 -type f -printf '%f\\n'").out().lines().toList());
  }

  private static TreeSet<String> common() {
    TreeSet<String> names = files(hostProbe);
    names.retainAll(files(cgdevProbe()));
    assertThat(names).as("core files both have").contains("cgroup.procs", "cgroup.controllers", "cgroup.max.depth");
    return names;
  }

  /** Runs {@code script} in both cgroups and asserts the same output. */
  private static void sameOnBoth(String what, String script) {
    Shell.Result kernel = Shell.bash(hostProbe, script);
    Shell.Result cgdev = Shell.bash(cgdevProbe(), script);
    assertThat(cgdev.out()).as("%s: stdout", what).isEqualTo(kernel.out());
    assertThat(cgdev.err()).as("%s: stderr", what).isEqualTo(kernel.err());
  }

  @Test
  void filesReportTheKernelsSizeLinksModeAndType() {
    StringBuilder script = new StringBuilder();
    for (String name : common()) {
      script.append("stat -c '%n %s %h %a %F' ").append(name).append('\n');
    }
    sameOnBoth("stat of the common files", script.toString());
  }

  @Test
  void foldersCountTheirSubfoldersAsLinksAndTheRootIsReadOnly() {
    String script = """
        links() { echo "$1 size=$(stat -c %s "$1") mode=$(stat -c %a "$1") links-minus-subfolders=$(( $(stat -c %h "$1") - $(find "$1" -mindepth 1 -maxdepth 1 -type d | wc -l) ))"; }
        links .
        mkdir sub && links . && links sub && rmdir sub && links .
        mkdir -m 700 private && stat -c "private %a" private && rmdir private
        (umask 077 && mkdir masked && stat -c "masked %a" masked && rmdir masked)
        """;
    sameOnBoth("folder link counts", script);
    assertThat(Shell.bash(mount.dir(), "stat -c %a .").outLine()).as("the mount's root")
        .isEqualTo(Shell.bash(hostRoot, "stat -c %a .").outLine());
  }

  @Test
  void writingAReadOnlyFileAsRootOpensAndFailsTheWriteWithEinval() {
    StringBuilder script = new StringBuilder();
    for (String name : common()) {
      script.append("f=").append(name).append("; [ \"$(stat -c %a $f)\" = 444 ] && {\n")
          .append("  echo x > $f; echo \"$f write rc=$?\"\n")
          .append("  : > $f; echo \"$f open-for-write rc=$?\"\n")
          .append("  truncate -s 0 $f; echo \"$f truncate rc=$?\"\n")
          .append("}\n");
    }
    sameOnBoth("writes to read-only files", script.toString());
  }

  @Test
  void whatCgroupfsRefusesIsRefusedWithTheSameErrno() {
    sameOnBoth("refused operations", """
        ln cgroup.procs hardlink; echo "ln rc=$?"
        ln -s cgroup.procs symlink; echo "ln -s rc=$?"
        mknod node p; echo "mknod rc=$?"
        mkfifo fifo; echo "mkfifo rc=$?"
        touch newfile; echo "touch rc=$?"
        rm -f cgroup.procs; echo "rm rc=$?"
        mv cgroup.procs moved; echo "mv rc=$?"
        truncate -s 0 cgroup.max.depth; echo "truncate rc=$?"
        cat cgroup.max.depth
        """);
  }
}
