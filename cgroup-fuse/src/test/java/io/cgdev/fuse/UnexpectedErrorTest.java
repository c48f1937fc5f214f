package io.cgdev.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.FsEntry;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tree whose code throws what no callback expects — a {@link RuntimeException}, an {@link
 * AssertionError}, a {@link StackOverflowError} — in stat, list, open, read and write: each such call
 * is answered with {@code EIO} ("Input/output error"), and the daemon serves the next call.
 */
class UnexpectedErrorTest {
  @TempDir Path temp;
  private final FakeCgroupFs tree = new FakeCgroupFs();
  private volatile Throwable fault;
  private CgroupMount mount;
  private Path dir;

  /** Throws {@link #fault} (when set) from every call that touches a path containing "boom". */
  private final CgroupFs faulty = new CgroupFs() {
    private void maybeFail(String path) {
      Throwable f = fault;
      if (f != null && path.contains("boom")) {
        if (f instanceof Error e) {
          throw e;
        }
        throw (RuntimeException) f;
      }
    }

    @Override
    public List<FsEntry> list(String path) {
      maybeFail(path);
      return tree.list(path);
    }

    @Override
    public FsEntry stat(String path) {
      if (path.endsWith("/memory.devices")) {
        maybeFail(path); // /boom and its files stay reachable, so that their read and write can fail
      }
      return tree.stat(path);
    }

    @Override
    public OpenFile open(String path, OpenOptions options) {
      OpenFile file = tree.open(path, options);
      return new OpenFile() {
        @Override public String path() { return file.path(); }
        @Override public String read() { maybeFail(path); return file.read(); }
        @Override public void write(String value) { maybeFail(path); file.write(value); }
        @Override public void close() { file.close(); }
      };
    }

    @Override
    public void mkdir(String path) {
      tree.mkdir(path);
    }

    @Override
    public void rmdir(String path) {
      tree.rmdir(path);
    }
  };

  @BeforeEach
  void mount() {
    FuseTesting.requireFuse();
    dir = FuseTesting.mountPoint(temp);
    mount = CgroupMount.mount(faulty, dir, MountOptions.defaults());
  }

  @AfterEach
  void unmount() {
    if (mount != null) {
      mount.close();
    }
  }

  @Test
  void everyUnexpectedThrowableIsOneEioAndTheDaemonCarriesOn() {
    assertThat(Shell.bash(dir, "mkdir boom").exit()).isZero();
    for (Throwable f : List.of(new IllegalStateException("a bug"), new AssertionError("an assertion"),
        new StackOverflowError("too deep"))) {
      fault = f;
      Shell.Result read = Shell.bash(dir, "cat boom/memory.max");
      assertThat(read.err()).as("read with %s", f).contains("Input/output error");
      Shell.Result write = Shell.bash(dir, "echo 1M > boom/memory.max");
      assertThat(write.err()).as("write with %s", f).contains("Input/output error");
      Shell.Result list = Shell.bash(dir, "ls boom/memory.devices");
      assertThat(list.err()).as("list with %s", f).contains("Input/output error");
      fault = null;
      assertThat(Shell.bash(dir, "echo 2M > boom/memory.max && cat boom/memory.max").outLine())
          .as("served again after %s", f).isEqualTo("2097152");
    }
    assertThat(mount.isMounted()).isTrue();
  }
}
