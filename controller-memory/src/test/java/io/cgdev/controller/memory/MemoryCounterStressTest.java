package io.cgdev.controller.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.spi.CgroupHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Hammers the lock-free charge path from several threads (10^6 operations in all: charges, uncharges,
 * protection changes) over a tree with limits, and checks the invariants: no counter ever below
 * zero (watched live by a reader thread), and at quiescent points parent usage equal to the sum of
 * its children plus its own charges (so never below their sum), usage never above max, the
 * children's protected-usage sums consistent; everything zero after all uncharges.
 */
class MemoryCounterStressTest {
  private static final int THREADS = 3;
  private static final int OPS_PER_THREAD = 1_000_000 / THREADS;
  private static final int ROUND = 20_000;
  private static final long PAGE = 4096;

  @Test
  void invariantsHoldUnderConcurrentCharging() throws Exception {
    Fixture f = Fixture.oneRegion(4096 * PAGE);
    String[] paths = {"/a", "/a/a1", "/a/a2", "/b", "/b/b1", "/b/b1/x"};
    for (String p : paths) {
      f.mkdir(p);
    }
    f.write("/a", "max", Long.toString(1000 * PAGE));
    f.write("/b/b1", "max", Long.toString(700 * PAGE));
    f.write("/a/a1", "min", Long.toString(300 * PAGE));
    f.write("/b/b1/x", "low", Long.toString(200 * PAGE));
    List<String> all = new ArrayList<>(List.of("/", "/a", "/a/a1", "/a/a2", "/b", "/b/b1", "/b/b1/x"));
    CgroupHandle[] targets = {f.cg("/a/a1"), f.cg("/a/a2"), f.cg("/b/b1/x"), f.cg("/b/b1"), f.cg("/a")};
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    AtomicBoolean done = new AtomicBoolean();

    Thread watcher = new Thread(() -> {
      while (!done.get()) {
        for (String p : all) {
          PageCounter c = f.state(p).counter();
          // Only usage is checked live. The children's protected sums are updated as the kernel's
          // propagate_protected_usage does (swap the child's value, add the difference to the parent), so
          // two racing updates may leave a parent's sum briefly below zero; they are exact again at the
          // quiescent points, where the rounds below check them.
          long usage = c.usage();
          if (usage < 0) {
            problems.add("negative usage at " + p + ": " + usage);
          }
        }
      }
    });
    watcher.start();

    long[][] held = new long[THREADS][targets.length];
    StressChecks.runInRounds(THREADS, OPS_PER_THREAD, ROUND, 42L, (me, rnd) -> {
      int i = rnd.nextInt(targets.length);
      int kind = rnd.nextInt(100);
      if (kind < 50) {
        long bytes = (1 + rnd.nextInt(16)) * PAGE;
        if (f.charging.tryCharge(targets[i], 0, bytes) != null) {
          held[me][i] += bytes;
        }
      } else if (kind < 99) {
        long bytes = Math.min(held[me][i], (1 + rnd.nextInt(16)) * PAGE);
        f.charging.uncharge(targets[i], 0, bytes);
        held[me][i] -= bytes;
      } else {
        PageCounter c = f.state(paths[rnd.nextInt(paths.length)]).counter();
        if (rnd.nextBoolean()) {
          c.setMin(rnd.nextInt(500) * PAGE);
        } else {
          c.setLow(rnd.nextInt(500) * PAGE);
        }
      }
    }, () -> {
      f.binding.drainStocks(null); // stocked bytes are charged but nobody's: return them to compare
      checkQuiescent(f, all, targets, held, problems);
    }, problems);
    StressChecks.unchargeAll(f, targets, held);
    f.binding.drainStocks(null);
    done.set(true);
    watcher.join();
    assertThat(problems).isEmpty();
    for (String p : all) {
      PageCounter c = f.state(p).counter();
      assertThat(c.usage()).as(p).isZero();
      assertThat(c.childrenMinUsage()).as(p).isZero();
      assertThat(c.childrenLowUsage()).as(p).isZero();
      assertThat(f.state(p).drained()).isTrue();
    }
    assertThat(f.state("/a").counter().failcnt() + f.state("/b/b1").counter().failcnt()).isPositive();
  }

  private static void checkQuiescent(Fixture f, List<String> all, CgroupHandle[] targets, long[][] held,
      ConcurrentLinkedQueue<String> problems) {
    StressChecks.checkUsage(f, all, targets, held, problems);
    for (String p : all) {
      MemoryState s = f.state(p);
      PageCounter c = s.counter();
      long childrenMin = 0;
      long childrenLow = 0;
      for (MemoryState child : s.children()) {
        childrenMin += child.counter().minUsage();
        childrenLow += child.counter().lowUsage();
      }
      if (c.childrenMinUsage() != childrenMin || c.childrenLowUsage() != childrenLow) {
        problems.add(p + ": children protected sums " + c.childrenMinUsage() + "/" + c.childrenLowUsage()
            + " != " + childrenMin + "/" + childrenLow);
      }
    }
  }
}
