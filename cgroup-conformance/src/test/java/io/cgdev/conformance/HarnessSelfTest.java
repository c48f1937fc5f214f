package io.cgdev.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.Errno;
import io.cgdev.api.FsEntry;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness catches what it is for: a divergence injected on purpose — the mounted file view
 * answers ENOTEMPTY where the kernel answers EBUSY (rmdir of a cgroup with a child) — is found by
 * random sequences, shrunk to a few steps, and written as a script that replays it on the kernel.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class HarnessSelfTest {
  private static final Path OUT = Path.of("target", "conformance", "self-test");

  @TempDir static Path temp;
  private Harness harness;

  @BeforeAll
  void open() throws Exception {
    harness = Harness.openOrSkip(temp, WrongRmdirErrno::new, System.out);
  }

  @AfterAll
  void close() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void aWrongErrnoIsCaughtShrunkAndReplayable() throws Exception {
    Harness.Report report = harness.campaign(42, 100, 50, false, OUT);

    assertThat(report.diverged()).as("the injected divergence was not found in %d sequences", report.sequences()).isTrue();
    Runner.Run shrunk = report.shrunk();
    assertThat(shrunk.steps()).as("shrunk to a few steps: %s", shrunk.steps()).hasSizeLessThanOrEqualTo(3);
    assertThat(shrunk.steps().getLast()).isInstanceOf(Step.Rmdir.class);
    assertThat(shrunk.divergence().kernel()).isEqualTo("EBUSY");
    assertThat(shrunk.divergence().cgdev()).isEqualTo("ENOTEMPTY");
    assertThat(shrunk.steps().stream().filter(Step.Mkdir.class::isInstance)).as("a child to make rmdir busy").isNotEmpty();
    assertThat(report.script()).contains("rmdir ", "# " + shrunk.steps().size() + ": kernel: EBUSY | cgdev: ENOTEMPTY");
    assertThat(Files.readString(report.scriptFile())).isEqualTo(report.script());

    // the script replays on the kernel: its rmdir fails there as the comment says
    Path host = Path.of(harness.host.base()).getParent().resolve(HostSide.PREFIX + ProcessHandle.current().pid() + "-replay");
    Process bash = new ProcessBuilder("bash", report.scriptFile().toString(), host.toString()).redirectErrorStream(true).start();
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    HostSide.removeTree(host);
    assertThat(output).contains("Device or resource busy");
  }

  @Test
  void withoutTheFaultTheSameSequencesAgree() {
    Runner.Run run = harness.runner.generate(new Generator(new java.util.Random(7), harness.mirrorFiles(), harness.forbiddenNames(),
        Harness.PROCESSES, false), 30);
    // the only divergence this mount has is the injected one
    assertThat(run.divergence() == null || run.divergence().cgdev().equals("ENOTEMPTY")).as("%s", run.divergence()).isTrue();
  }

  /** The file view with one wrong errno: rmdir of a cgroup with a child is ENOTEMPTY instead of EBUSY. */
  private record WrongRmdirErrno(CgroupFs fs) implements CgroupFs {
    @Override
    public void rmdir(String path) {
      try {
        fs.rmdir(path);
      } catch (CgroupException e) {
        if (e.errno() == Errno.EBUSY && hasChildCgroup(path)) {
          throw CgroupException.of(Errno.ENOTEMPTY, "injected: %s has a child", path);
        }
        throw e;
      }
    }

    private boolean hasChildCgroup(String path) {
      for (FsEntry e : fs.list(path)) {
        if (e.isDirectory() && !e.name().endsWith(".devices")) {
          return true;
        }
      }
      return false;
    }

    @Override
    public List<FsEntry> list(String path) {
      return fs.list(path);
    }

    @Override
    public FsEntry stat(String path) {
      return fs.stat(path);
    }

    @Override
    public OpenFile open(String path, OpenOptions options) {
      return fs.open(path, options);
    }

    @Override
    public void mkdir(String path) {
      fs.mkdir(path);
    }
  }
}
