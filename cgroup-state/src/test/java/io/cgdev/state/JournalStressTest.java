package io.cgdev.state;

import io.cgdev.api.OwnershipChange;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Threads changing one tree at once through a state file, with compactions among them: the file's
 * order must be the order the changes were made in (its replay gives the tree they left), and the
 * group commit must let one force cover several threads' records. Bounded: 4 threads × 250 changes.
 */
class JournalStressTest {
  private static final long SEED = Long.getLong("cgdev.state.seed", System.nanoTime());
  private static final Path FILE = Path.of("/simulated/stress.state");
  private static final int THREADS = 4;
  private static final int CHANGES = 250;

  @Test
  void concurrentChangesReplayToTheTreeTheyLeft() throws Exception {
    SimulatedDisk disk = new SimulatedDisk();
    Configuration end;
    try (TestWorld w = new TestWorld();
        StateFile state = StateFile.open(disk, FILE, TestWorld.base(), w.fs(), w.tasks(), new StateFile.Options(60))) {
      state.fs().write("/cgroup.subtree_control", "+conf");
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          Random random = new Random(SEED + t);
          int thread = t;
          done.add(pool.submit(() -> {
            for (int i = 0; i < CHANGES; i++) {
              if (i % 50 == 0) {
                String child = "/t" + thread + "-" + i;
                try {
                  state.atomically(() -> {
                    state.fs().mkdir(child);
                    state.record(new OwnershipChange.Created(child, thread, thread));
                  });
                } catch (io.cgdev.api.CgroupException e) {
                  // refused (a limit another thread set): nothing recorded
                }
              } else {
                try {
                  TestWorld.randomChange(state.fs(), random); // all threads over one tree: they race
                } catch (io.cgdev.api.CgroupException e) {
                  // the walk for a target met a cgroup another thread had just removed: no change made
                  if (e.errno() != io.cgdev.api.Errno.ENOENT) {
                    throw e;
                  }
                }
              }
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      end = w.configuration();
    }
    long writes = disk.log.stream().filter(s -> s.startsWith("write")).count();
    assertThat(disk.log).as("compactions happened").anyMatch(s -> s.startsWith("replace"));
    assertThat(writes).as("records were written").isGreaterThan(THREADS * 10L);
    try (TestWorld w = new TestWorld();
        StateFile state = StateFile.open(disk, FILE, TestWorld.base(), w.fs(), w.tasks(), new StateFile.Options(60))) {
      assertThat(state.replay().notes()).isEmpty();
      assertThat(w.configuration()).as("seed %d", SEED).isEqualTo(end);
    }
  }
}
