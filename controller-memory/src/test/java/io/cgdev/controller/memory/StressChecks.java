package io.cgdev.controller.memory;

import io.cgdev.api.spi.CgroupHandle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;

/**
 * What the memory stress tests share: workers that stop together at quiescent points, and the
 * bookkeeping of what they hold (worker {@code t} holds {@code held[t][i]} bytes charged to {@code
 * targets[i]} of region 0). The checks run on the test thread while the workers stand still; a
 * broken invariant is added to {@code problems} as a message naming the cgroup, so one run reports
 * them all.
 */
final class StressChecks {
  private StressChecks() {}

  /** One operation of worker {@code worker}, drawing from the worker's own seeded {@code rnd}. */
  @FunctionalInterface
  interface Op {
    void run(int worker, Random rnd) throws Exception;
  }

  /**
   * Runs {@code threads} workers, each doing {@code opsPerThread} operations with its own {@link
   * Random} seeded {@code seed * (worker + 1)}. Every {@code round} operations they all stop, {@code
   * atPause} runs on the calling thread while none of them moves, and they go on. Returns when all
   * have ended; a worker that throws adds a message to {@code problems}.
   */
  static void runInRounds(int threads, int opsPerThread, int round, long seed, Op op, Runnable atPause,
      Collection<String> problems) throws Exception {
    CyclicBarrier pause = new CyclicBarrier(threads + 1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int me = t;
      long mySeed = seed * (t + 1);
      Thread w = new Thread(() -> {
        Random rnd = new Random(mySeed);
        try {
          for (int n = 0; n < opsPerThread; n++) {
            op.run(me, rnd);
            if ((n + 1) % round == 0) {
              pause.await(); // stop at a quiescent point
              pause.await(); // wait for the check
            }
          }
        } catch (Exception e) {
          problems.add("worker failed: " + e);
        }
      });
      workers.add(w);
      w.start();
    }
    for (int r = 0; r < opsPerThread / round; r++) {
      pause.await();
      atPause.run();
      pause.await();
    }
    for (Thread w : workers) {
      w.join();
    }
  }

  /**
   * At a quiescent point (workers paused, stocks drained), for each cgroup of {@code paths}: usage
   * equals its children's usage plus what the workers hold charged to it, and is not above max.
   */
  static void checkUsage(Fixture f, List<String> paths, CgroupHandle[] targets, long[][] held,
      Collection<String> problems) {
    for (String p : paths) {
      MemoryState s = f.state(p);
      PageCounter c = s.counter();
      long own = heldBy(s.cgroup(), targets, held);
      long children = 0;
      for (MemoryState child : s.children()) {
        children += child.counter().usage();
      }
      if (c.usage() != children + own) {
        problems.add(p + ": usage " + c.usage() + " != children " + children + " + own " + own);
      }
      if (c.usage() > c.max()) {
        problems.add(p + ": usage " + c.usage() + " above max " + c.max());
      }
    }
  }

  /** Uncharges everything the workers hold and zeroes {@code held}. */
  static void unchargeAll(Fixture f, CgroupHandle[] targets, long[][] held) {
    for (long[] mine : held) {
      for (int i = 0; i < targets.length; i++) {
        f.charging.uncharge(targets[i], 0, mine[i]);
        mine[i] = 0;
      }
    }
  }

  /** What all workers together hold charged to {@code cgroup} itself. */
  private static long heldBy(CgroupHandle cgroup, CgroupHandle[] targets, long[][] held) {
    long own = 0;
    for (int i = 0; i < targets.length; i++) {
      if (targets[i] == cgroup) {
        for (long[] mine : held) {
          own += mine[i];
        }
      }
    }
    return own;
  }
}
