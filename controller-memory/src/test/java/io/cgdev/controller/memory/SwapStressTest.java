package io.cgdev.controller.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupException;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.MemoryCharging;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Hammers the lock-free swap path ({@code swapOut}, {@code swapIn}, swap uncharge) from several
 * threads together with charges and uncharges (300,000 operations, seed 7), over a tree with {@code
 * memory.swap.max} set at two levels, and checks: no counter ever below zero (watched live); at
 * quiescent points each level's memory and swap usage equal to its children's plus what the
 * workers hold there, and swap usage never above {@code memory.swap.max}; everything zero at the end.
 */
class SwapStressTest {
  private static final int THREADS = 3;
  private static final int OPS_PER_THREAD = 100_000;
  private static final int ROUND = 10_000;
  private static final long PAGE = 4096;

  /** A chunk a worker holds: charged memory, or evicted (swap). */
  private record Chunk(int target, MemoryCharging.Pool pool, MemoryCharging.SwapPool swap, long bytes) {}

  @Test
  void swapCountersStayConsistentUnderConcurrency() throws Exception {
    Fixture f = Fixture.oneRegion(8192 * PAGE);
    String[] paths = {"/a", "/a/a1", "/a/a2", "/b", "/b/b1"};
    for (String p : paths) {
      f.mkdir(p);
    }
    f.write("/a", "swap.max", Long.toString(40 * PAGE));
    f.write("/b/b1", "swap.max", Long.toString(10 * PAGE));
    List<String> all = List.of("/", "/a", "/a/a1", "/a/a2", "/b", "/b/b1");
    CgroupHandle[] targets = {f.cg("/a/a1"), f.cg("/a/a2"), f.cg("/b/b1"), f.cg("/a")};
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    AtomicBoolean done = new AtomicBoolean();
    Thread watcher = new Thread(() -> {
      while (!done.get()) {
        for (String p : all) {
          if (f.state(p).swap().usage() < 0 || f.state(p).counter().usage() < 0) {
            problems.add("negative usage at " + p);
          }
        }
      }
    });
    watcher.start();

    List<List<Chunk>> held = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      held.add(new ArrayList<>());
    }
    StressChecks.runInRounds(THREADS, OPS_PER_THREAD, ROUND, 7L, (me, rnd) -> {
      List<Chunk> mine = held.get(me);
      int kind = rnd.nextInt(100);
      if (kind < 35 || mine.isEmpty()) {
        int i = rnd.nextInt(targets.length);
        long bytes = (1 + rnd.nextInt(8)) * PAGE;
        MemoryCharging.Pool p = f.charging.tryCharge(targets[i], 0, bytes);
        if (p != null) {
          mine.add(new Chunk(i, p, null, bytes));
        }
        return;
      }
      int at = rnd.nextInt(mine.size());
      Chunk c = mine.get(at);
      if (kind < 60 && c.pool() != null) {
        MemoryCharging.SwapPool s = f.charging.swapOut(c.pool(), c.bytes());
        if (s != null) {
          mine.set(at, new Chunk(c.target(), null, s, c.bytes()));
        }
      } else if (kind < 75 && c.swap() != null) {
        try {
          mine.set(at, new Chunk(c.target(), f.charging.swapIn(c.swap(), c.bytes()), null, c.bytes()));
        } catch (CgroupException e) {
          // the device is full: the chunk stays in swap
        }
      } else {
        free(f, c);
        mine.remove(at);
      }
    }, () -> {
      f.binding.drainStocks(null);
      check(f, all, targets, held, problems);
    }, problems);
    for (List<Chunk> mine : held) {
      mine.forEach(c -> free(f, c));
      mine.clear();
    }
    f.binding.drainStocks(null);
    done.set(true);
    watcher.join();
    assertThat(problems).isEmpty();
    for (String p : all) {
      assertThat(f.state(p).counter().usage()).as(p).isZero();
      assertThat(f.state(p).swap().usage()).as(p).isZero();
    }
    assertThat(f.read("/b/b1", "swap.events")).as("the limits did refuse").doesNotContain("max 0\n");
  }

  private static void free(Fixture f, Chunk c) {
    if (c.pool() != null) {
      f.charging.uncharge(c.pool(), c.bytes());
    } else {
      f.charging.uncharge(c.swap(), c.bytes());
    }
  }

  private static void check(Fixture f, List<String> all, CgroupHandle[] targets, List<List<Chunk>> held,
      ConcurrentLinkedQueue<String> problems) {
    for (String p : all) {
      MemoryState s = f.state(p);
      long memChildren = 0;
      long swapChildren = 0;
      for (MemoryState child : s.children()) {
        memChildren += child.counter().usage();
        swapChildren += child.swap().usage();
      }
      long memOwn = 0;
      long swapOwn = 0;
      for (List<Chunk> mine : held) {
        for (Chunk c : mine) {
          if (targets[c.target()] == s.cgroup()) {
            memOwn += c.pool() != null ? c.bytes() : 0;
            swapOwn += c.swap() != null ? c.bytes() : 0;
          }
        }
      }
      if (s.counter().usage() != memChildren + memOwn) {
        problems.add(p + ": memory " + s.counter().usage() + " != " + memChildren + " + " + memOwn);
      }
      if (s.swap().usage() != swapChildren + swapOwn) {
        problems.add(p + ": swap " + s.swap().usage() + " != " + swapChildren + " + " + swapOwn);
      }
      if (s.swap().usage() > s.swap().max()) {
        problems.add(p + ": swap " + s.swap().usage() + " above swap.max " + s.swap().max());
      }
    }
  }
}
