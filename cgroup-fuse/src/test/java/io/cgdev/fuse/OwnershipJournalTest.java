package io.cgdev.fuse;

import io.cgdev.api.OwnershipChange;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mount's ownership hook ({@code cgdev mount --state} keeps owners in a state file through it):
 * a mount starts from the changes a journal recorded, tells it of every later one, and runs each
 * request that changes the tree and the owners together as one unit.
 */
class OwnershipJournalTest {
  @TempDir Path temp;
  private CgroupMount mount;
  private Path dir;
  private final Recording journal = new Recording();

  /** Keeps what it is told; {@code ]} marks the end of a unit. */
  private static final class Recording implements OwnershipJournal {
    final List<OwnershipChange> before = new ArrayList<>();
    final List<String> events = new ArrayList<>();

    @Override
    public List<OwnershipChange> recorded() {
      return before;
    }

    @Override
    public synchronized void record(OwnershipChange change) {
      events.add(change.toString());
    }

    @Override
    public void atomically(Runnable request) {
      synchronized (this) {
        events.add("[");
      }
      try {
        request.run();
      } finally {
        synchronized (this) {
          events.add("]");
        }
      }
    }
  }

  @BeforeEach
  void mount() {
    FuseTesting.requireFuse();
    journal.before.add(new OwnershipChange.Chown("/cgroup.procs", 1234, 99));
    journal.before.add(new OwnershipChange.Created("/gone", 5, 5));
    journal.before.add(new OwnershipChange.Forget("/gone"));
    dir = FuseTesting.mountPoint(temp);
    mount = CgroupMount.mount(new FakeCgroupFs(), dir, MountOptions.defaults(), journal);
  }

  @AfterEach
  void unmount() {
    if (mount != null) {
      mount.close();
    }
  }

  @Test
  void startsFromWhatWasRecordedAndRecordsEachRequestAsOneUnit() throws IOException {
    assertThat(Files.getAttribute(dir.resolve("cgroup.procs"), "unix:uid")).isEqualTo(1234);
    assertThat(journal.events).as("a replayed change is not recorded again").isEmpty();

    Files.createDirectory(dir.resolve("a"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
    Files.setAttribute(dir.resolve("a/memory.max"), "unix:uid", 1000);
    Files.setPosixFilePermissions(dir.resolve("a/memory.max"), PosixFilePermissions.fromString("rw-------"));
    Files.delete(dir.resolve("a"));

    String uid = Integer.toString((Integer) Files.getAttribute(temp, "unix:uid"));
    String gid = Integer.toString((Integer) Files.getAttribute(temp, "unix:gid"));
    assertThat(String.join(" ", journal.events)).isEqualTo(String.join(" ",
        "[", "Created[path=/a, uid=" + uid + ", gid=" + gid + "]", "Chmod[path=/a, mode=" + 0750 + "]", "]",
        "[", "Chown[path=/a/memory.max, uid=1000, gid=" + gid + "]", "]",
        "[", "Chmod[path=/a/memory.max, mode=" + 0600 + "]", "]",
        "[", "Forget[path=/a]", "]"));
  }
}
