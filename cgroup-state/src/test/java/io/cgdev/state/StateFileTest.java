package io.cgdev.state;

import io.cgdev.api.OwnershipChange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state file on the real file system: what is kept and replayed, what is refused and how it is
 * named, and the one damage a crash can do (a torn last record), cut at every byte.
 */
class StateFileTest {
  private static final long SEED = Long.getLong("cgdev.state.seed", System.nanoTime());

  @TempDir Path temp;

  private Path file() {
    return temp.resolve("tree.state");
  }

  @Test
  void cgroupsSettingsTaskMovesAndOwnersSurviveAReopen() {
    Configuration before;
    try (TestWorld w = new TestWorld(); StateFile state = StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks())) {
      assertThat(state.replay().created()).isTrue();
      var fs = state.fs();
      fs.write("/cgroup.subtree_control", "+conf");
      fs.mkdir("/a");
      fs.mkdir("/a b\u00e9");
      fs.write("/a/conf.devices/dev0/conf.value", "42");
      fs.write("/a/conf.devices/dev0/conf.keyed", "b 7");
      fs.write("/a/cgroup.max.depth", "3");
      fs.write("/a/conf.devices/dev0/conf.poke", "1");
      state.atomically(() -> {
        fs.mkdir("/a/x");
        state.record(new OwnershipChange.Created("/a/x", 1000, 1000));
        state.record(new OwnershipChange.Chmod("/a/x", 0750));
      });
      state.record(new OwnershipChange.Chown("/a/cgroup.procs", 1000, 100));
      before = w.configuration();
    }
    try (TestWorld w = new TestWorld(); StateFile state = StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks())) {
      assertThat(state.replay().created()).isFalse();
      assertThat(state.replay().records()).isEqualTo(9);
      assertThat(w.configuration()).isEqualTo(before);
      assertThat(state.ownership()).containsExactly(new OwnershipChange.Created("/a/x", 1000, 1000),
          new OwnershipChange.Chmod("/a/x", 0750), new OwnershipChange.Chown("/a/cgroup.procs", 1000, 100));
    }
  }

  @Test
  void refusedChangesAreNotRecorded() throws IOException {
    try (TestWorld w = new TestWorld(); StateFile state = StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks())) {
      assertThatThrownBy(() -> state.fs().mkdir("/missing/child")).hasMessageContaining("missing");
      assertThatThrownBy(() -> state.fs().write("/cgroup.subtree_control", "+nope")).isNotNull();
      state.fs().write("/cgroup.max.depth", ""); // an empty write changes nothing
    }
    assertThat(Files.readAllLines(file())).hasSize(2); // header and base
  }

  @Test
  void taskMovesAreReplayedOnTheSameBase() {
    try (TestWorld w = new TestWorld()) {
      int pid = w.tasks().spawn("worker", CgroupPath.root()).pid();
      try (StateFile state = StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks())) {
        state.fs().mkdir("/a");
        state.fs().write("/a/cgroup.procs", Integer.toString(pid));
      }
    }
    try (TestWorld w = new TestWorld()) {
      int pid = w.tasks().spawn("worker", CgroupPath.root()).pid(); // the base spawns the same task again
      try (StateFile state = StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks())) {
        assertThat(w.tasks().find(pid).orElseThrow().cgroup()).isEqualTo(CgroupPath.parse("/a"));
        state.compact();
      }
    }
    try (TestWorld w = new TestWorld()) {
      int pid = w.tasks().spawn("worker", CgroupPath.root()).pid();
      try (StateFile state = StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks())) {
        assertThat(state.replay().checkpointLine()).as("the checkpoint places the task").isEqualTo(3);
        assertThat(w.tasks().find(pid).orElseThrow().cgroup()).isEqualTo(CgroupPath.parse("/a"));
      }
    }
  }

  @Test
  void aTornLastRecordIsDroppedAtEveryByteItCanBeCutAt() throws IOException {
    Configuration beforeLast;
    try (TestWorld w = new TestWorld(); StateFile state = StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks())) {
      state.fs().write("/cgroup.subtree_control", "+conf");
      state.fs().mkdir("/a");
      beforeLast = w.configuration();
      state.fs().write("/a/conf.devices/dev0/conf.value", "42");
    }
    byte[] whole = Files.readAllBytes(file());
    int lastStart = lastLineStart(whole);
    for (int cut = lastStart + 1; cut < whole.length; cut++) {
      Files.write(file(), Arrays.copyOf(whole, cut));
      try (TestWorld w = new TestWorld(); StateFile state = StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks())) {
        assertThat(w.configuration()).as("cut at %d of %d", cut, whole.length).isEqualTo(beforeLast);
        assertThat(state.replay().notes()).singleElement().asString()
            .contains(file() + ":5: dropped a torn last record", "cut from the file");
      }
      assertThat(Files.size(file())).as("the torn bytes are cut").isEqualTo(lastStart);
    }
  }

  @Test
  void garbageAfterTheLastRecordIsATornTailAndGarbageBeforeItIsCorruption() throws IOException {
    try (TestWorld w = new TestWorld(); StateFile state = StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks())) {
      state.fs().mkdir("/a");
      state.fs().mkdir("/b");
    }
    byte[] whole = Files.readAllBytes(file());
    Files.write(file(), concat(whole, new byte[100])); // zeros, as a file system may leave after power loss
    try (TestWorld w = new TestWorld(); StateFile state = StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks())) {
      assertThat(state.replay().notes()).singleElement().asString().contains(":5: dropped a torn last record");
      assertThat(Configuration.cgroupsOf(w.fs())).containsExactly("/", "/a", "/b");
    }
    String text = new String(whole, StandardCharsets.ISO_8859_1);
    Files.writeString(file(), text.replace("mkdir \"/a\"", "mkdir \"/A\""), StandardCharsets.ISO_8859_1);
    try (TestWorld w = new TestWorld()) {
      assertThatThrownBy(() -> StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks()))
          .isInstanceOf(StateException.class)
          .hasMessageStartingWith(file() + ":3: corrupt record: checksum mismatch")
          .hasMessageContaining("only the last record may be damaged");
      assertThat(Configuration.cgroupsOf(w.fs())).as("nothing replayed").containsExactly("/");
    }
    assertThat(Files.readString(file(), StandardCharsets.ISO_8859_1)).as("nothing cut from a corrupt file")
        .isEqualTo(text.replace("mkdir \"/a\"", "mkdir \"/A\""));
  }

  @Test
  void anotherFileAnotherVersionOrAnotherBaseIsRefusedWithFileAndLine() throws IOException {
    try (TestWorld w = new TestWorld()) {
      Files.writeString(file(), "hello\n");
      assertThatThrownBy(() -> StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks()))
          .hasMessage(file() + ":1: not a cgdev state file (it starts with 'hello', not 'cgdev-state 1')");
      Files.writeString(file(), "cgdev-state 2\nwhatever\n");
      assertThatThrownBy(() -> StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks()))
          .hasMessage(file() + ":1: a state file of version '2'; this cgdev reads version 1 (cgdev-state 1)");
      Files.delete(file());
      StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks()).close();
      StateBase other = new StateBase("PER_DEVICE", List.of("conf"), List.of("dev0 (test)"), "none");
      assertThatThrownBy(() -> StateFile.open(file(), other, w.fs(), w.tasks()))
          .isInstanceOf(StateException.class)
          .hasMessageStartingWith(file() + ":2: this state was made on a world with layout 'PER_CONTROLLER'; this one has"
              + " 'PER_DEVICE'");
    }
  }

  @Test
  void aRecordThisWorldRefusesStopsTheReplayNamingItsLine() throws IOException {
    try (TestWorld w = new TestWorld(); StateFile state = StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks())) {
      state.fs().mkdir("/a");
    }
    Files.writeString(file(), RecordCodec.encode(List.of(Op.of("mkdir", "/a"))), StandardCharsets.ISO_8859_1,
        java.nio.file.StandardOpenOption.APPEND);
    Files.writeString(file(), RecordCodec.encode(List.of(Op.of("frobnicate"))), StandardCharsets.ISO_8859_1,
        java.nio.file.StandardOpenOption.APPEND);
    try (TestWorld w = new TestWorld()) {
      assertThatThrownBy(() -> StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks()))
          .isInstanceOf(StateException.class)
          .hasMessageStartingWith(file() + ":4: replaying mkdir '/a' failed: EEXIST")
          .hasMessageContaining("the state does not fit this world");
    }
  }

  @Test
  void oneStateFileServesOneTreeAtATime() {
    try (TestWorld w = new TestWorld(); StateFile state = StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks())) {
      assertThatThrownBy(() -> StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks()))
          .isInstanceOf(StateException.class).hasMessageContaining("in use");
      try (TestWorld other = new TestWorld()) {
        assertThat(StateFile.load(file(), TestWorld.base(), other.fs(), other.tasks()).created()).isFalse();
      }
      assertThat(state.path()).isEqualTo(file());
    }
  }

  @Test
  void loadReplaysWithoutTouchingTheFile() throws IOException {
    try (TestWorld w = new TestWorld(); StateFile state = StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks())) {
      state.fs().mkdir("/a");
    }
    byte[] torn = concat(Files.readAllBytes(file()), "1234".getBytes(StandardCharsets.US_ASCII));
    Files.write(file(), torn);
    try (TestWorld w = new TestWorld()) {
      StateFile.Replay replay = StateFile.load(file(), TestWorld.base(), w.fs(), w.tasks());
      assertThat(Configuration.cgroupsOf(w.fs())).containsExactly("/", "/a");
      assertThat(replay.notes()).singleElement().asString().contains("skipped a torn last record", "left in the file");
    }
    assertThat(Files.readAllBytes(file())).isEqualTo(torn);
  }

  @Test
  void compactionKeepsTheStateInAShorterFile() throws IOException {
    Random random = new Random(SEED);
    Configuration before;
    List<OwnershipChange> owners;
    try (TestWorld w = new TestWorld();
        StateFile state = StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks(), new StateFile.Options(20))) {
      for (int i = 0; i < 300; i++) {
        TestWorld.randomChange(state.fs(), random);
        if (i % 37 == 0) {
          List<String> cgroups = Configuration.cgroupsOf(w.fs());
          state.record(new OwnershipChange.Chown(cgroups.get(random.nextInt(cgroups.size())), i, i));
        }
      }
      before = w.configuration();
      owners = new OwnershipModelView(state).changes();
    }
    List<String> lines = Files.readAllLines(file(), StandardCharsets.ISO_8859_1);
    assertThat(lines.size()).as("seed %d", SEED).isLessThan(20 + 2 + 3 + 10 * before.cgroups().size() + owners.size());
    assertThat(lines.get(2)).endsWith(" checkpoint");
    try (TestWorld w = new TestWorld(); StateFile state = StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks())) {
      assertThat(state.replay().checkpointLine()).isEqualTo(3);
      assertThat(w.configuration()).as("seed %d", SEED).isEqualTo(before);
      OwnershipModel replayed = new OwnershipModel();
      state.ownership().forEach(replayed::apply);
      assertThat(replayed.changes()).as("seed %d", SEED).isEqualTo(owners);
    }
  }

  @Test
  void createWritesTheTreeAsItIsAsACheckpoint() throws IOException {
    Configuration made;
    try (TestWorld w = new TestWorld()) {
      w.fs().write("/cgroup.subtree_control", "+conf");
      w.fs().mkdir("/t");
      w.fs().write("/t/conf.devices/dev0/conf.value", "5");
      made = w.configuration();
      StateFile.create(file(), TestWorld.base(), w.fs(), w.tasks()).close();
      assertThatThrownBy(() -> StateFile.create(file(), TestWorld.base(), w.fs(), w.tasks()))
          .hasMessageContaining("exists already");
    }
    try (TestWorld w = new TestWorld(); StateFile state = StateFile.open(file(), TestWorld.base(), w.fs(), w.tasks())) {
      assertThat(w.configuration()).isEqualTo(made);
      assertThat(state.replay().summary()).isEqualTo("a checkpoint and 0 changes replayed");
    }
  }

  /** The ownership a state file's model holds now, read through a checkpoint of it. */
  private record OwnershipModelView(StateFile state) {
    List<OwnershipChange> changes() {
      state.compact();
      OwnershipModel model = new OwnershipModel();
      try {
        for (String line : Files.readAllLines(state.path(), StandardCharsets.ISO_8859_1)) {
          if (line.startsWith("cgdev-state")) {
            continue;
          }
          OwnershipChange o = OwnershipModel.of(RecordCodec.decode(line).getFirst());
          if (o != null) {
            model.apply(o);
          }
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return model.changes();
    }
  }

  static int lastLineStart(byte[] bytes) {
    int i = bytes.length - 2;
    while (i >= 0 && bytes[i] != '\n') {
      i--;
    }
    return i + 1;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
