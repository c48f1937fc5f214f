package io.cgdev.state;

import io.cgdev.api.OwnershipChange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order of writes and forces, on a disk that forgets what was not forced: an acknowledged change
 * is always on disk, and a crash at any moment — mid-record, between write and force, during a
 * compaction — leaves a file that replays to the state after the last acknowledged change or after
 * the one in flight, never anything else, and is never refused as corrupt.
 */
class JournalDurabilityTest {
  private static final long SEED = Long.getLong("cgdev.state.seed", System.nanoTime());
  private static final Path FILE = Path.of("/simulated/tree.state");
  /** Crash images a run replays at least. */
  private static final int CRASH_POINTS = 60;

  /** The state a test compares: configuration and owners. */
  private record State(Configuration configuration, List<OwnershipChange> owners) {}

  @Test
  void everyAcknowledgedChangeIsForcedBeforeItReturns() {
    SimulatedDisk disk = new SimulatedDisk();
    Random random = new Random(SEED);
    try (TestWorld w = new TestWorld();
        StateFile state = StateFile.open(disk, FILE, TestWorld.base(), w.fs(), w.tasks(), new StateFile.Options(25))) {
      for (int i = 0; i < 400; i++) {
        String what = TestWorld.randomChange(state.fs(), random);
        assertThat(disk.durableLength(FILE)).as("after %s (seed %d)", what, SEED).isEqualTo(disk.content(FILE).length);
      }
      int writes = (int) disk.log.stream().filter(s -> s.startsWith("write")).count();
      int forces = (int) disk.log.stream().filter(s -> s.equals("force")).count();
      assertThat(forces).as("one force per record when one thread writes").isBetween(writes - 20, writes);
    }
  }

  @Test
  void aCrashAtAnyMomentReplaysToTheLastAcknowledgedStateOrTheOneInFlight() {
    SimulatedDisk disk = new SimulatedDisk();
    Random random = new Random(SEED);
    record Crash(byte[] image, State acknowledged, State inFlight, String during) {}
    List<Crash> crashes = new ArrayList<>();
    State[] acknowledged = new State[1];
    String[] current = {""};
    try (TestWorld w = new TestWorld()) {
      OwnershipModel owners = new OwnershipModel();
      acknowledged[0] = new State(w.configuration(), owners.changes());
      disk.beforeEach = op -> {
        if (random.nextInt(3) == 0) {
          // the change in flight is applied already (the journal records after applying)
          crashes.add(new Crash(disk.crashImage(FILE, random), acknowledged[0], new State(w.configuration(), owners.changes()),
              op + " during " + current[0]));
        }
      };
      try (StateFile state = StateFile.open(disk, FILE, TestWorld.base(), w.fs(), w.tasks(), new StateFile.Options(15))) {
        // Many random changes are refused before they reach the disk, so the number of disk operations
        // (and crash points) a fixed count of changes yields varies by seed: go on until enough crashes.
        for (int i = 0; i < 250 || crashes.size() < CRASH_POINTS && i < 5_000; i++) {
          int kind = random.nextInt(10);
          if (kind == 0) {
            List<String> cgroups = Configuration.cgroupsOf(w.fs());
            OwnershipChange o = new OwnershipChange.Chown(cgroups.get(random.nextInt(cgroups.size())), i, i);
            current[0] = o.toString();
            owners.apply(o); // before the record, as the front end changes its map first
            state.record(o);
          } else if (kind == 1) {
            String child = "/g" + i;
            current[0] = "atomically mkdir " + child;
            try {
              state.atomically(() -> {
                state.fs().mkdir(child);
                OwnershipChange o = new OwnershipChange.Created(child, 7, 7);
                owners.apply(o);
                state.record(o);
              });
            } catch (CgroupException e) {
              // refused before anything changed (e.g. a cgroup.max.descendants a random change set)
              if (e.errno() != io.cgdev.api.Errno.EAGAIN) {
                throw e;
              }
            }
          } else {
            current[0] = TestWorld.randomChange(state.fs(), random);
          }
          acknowledged[0] = new State(w.configuration(), owners.changes());
        }
      }
    }
    assertThat(crashes).as("crash points taken (seed %d)", SEED).hasSizeGreaterThanOrEqualTo(CRASH_POINTS);
    int torn = 0;
    for (Crash crash : crashes) {
      SimulatedDisk after = new SimulatedDisk();
      if (crash.image() != null) { // null: before the file was made
        after.set(FILE, crash.image());
      }
      try (TestWorld w = new TestWorld();
          StateFile state = StateFile.open(after, FILE, TestWorld.base(), w.fs(), w.tasks(), new StateFile.Options(15))) {
        OwnershipModel owners = new OwnershipModel();
        state.ownership().forEach(owners::apply);
        State recovered = new State(w.configuration(), owners.changes());
        assertThat(recovered).as("crash at %s (seed %d)", crash.during(), SEED).isIn(crash.acknowledged(), crash.inFlight());
        torn += state.replay().notes().size();
      }
    }
    assertThat(torn).as("some crashes tore a record (seed %d)", SEED).isPositive();
  }

  @Test
  void aFailingDiskAnswersEioAndRefusesEveryLaterChangeBeforeMakingIt() {
    SimulatedDisk disk = new SimulatedDisk();
    try (TestWorld w = new TestWorld();
        StateFile state = StateFile.open(disk, FILE, TestWorld.base(), w.fs(), w.tasks(), StateFile.Options.defaults())) {
      state.fs().mkdir("/a");
      disk.failing = true;
      assertThatThrownBy(() -> state.fs().mkdir("/b")).isInstanceOf(CgroupException.class)
          .satisfies(e -> assertThat(((CgroupException) e).errno()).isEqualTo(Errno.EIO))
          .hasMessageContaining("state file " + FILE + ": cannot append mkdir (simulated write error)")
          .hasMessageContaining("the change was made but is not kept");
      disk.failing = false;
      assertThatThrownBy(() -> state.fs().mkdir("/c")).isInstanceOf(CgroupException.class)
          .hasMessageContaining("changes are refused since state file");
      assertThat(Configuration.cgroupsOf(w.fs())).as("/c was not made").containsExactly("/", "/a", "/b");
      assertThat(state.fs().read("/cgroup.max.depth")).as("reads go on").isEqualTo("max\n");
    }
  }

  @Test
  void aCompactionInterruptedBeforeItsRenameLeavesTheOldFileWhole(@TempDir Path temp) throws IOException {
    Path file = temp.resolve("tree.state");
    try (TestWorld w = new TestWorld(); StateFile state = StateFile.open(file, TestWorld.base(), w.fs(), w.tasks())) {
      state.fs().mkdir("/a");
    }
    Files.writeString(temp.resolve("tree.state.tmp"), "cgdev-state 1\nhalf a checkp");
    try (TestWorld w = new TestWorld(); StateFile state = StateFile.open(file, TestWorld.base(), w.fs(), w.tasks())) {
      assertThat(state.replay().notes()).singleElement().asString().contains("tree.state.tmp: removed");
      assertThat(Configuration.cgroupsOf(w.fs())).containsExactly("/", "/a");
      state.compact();
    }
    assertThat(temp.resolve("tree.state.tmp")).doesNotExist();
    List<String> lines = Files.readAllLines(file);
    assertThat(lines.get(2)).endsWith(" checkpoint");
    assertThat(lines).filteredOn(l -> l.contains(" cgroup \"")).hasSize(2);
    assertThat(lines.getLast()).endsWith(" end");
  }
}
