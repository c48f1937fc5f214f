package io.cgdev.controller.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.CgroupHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Hammers the charge stocks: 3 threads, 10^6 small charges ({@code charge} and {@code tryCharge})
 * and uncharges in all, on cgroups whose limits sit a little above what the threads hold together,
 * so that batches often do not fit, stocks are drained by other threads' refusals and by a watcher
 * thread that drains all the time. Checked live: no counter below zero, no usage above its max by
 * more than the charges in flight. At quiescent points, after a drain: no usage above its max, every
 * parent equal to the sum of its children plus its own charges, usage equal to what the threads hold.
 * At the end, after all uncharges and a drain:
 * everything zero, and the workers' stocks gone with their threads.
 */
class MemoryStockStressTest {
  private static final int THREADS = 3;
  private static final int OPS_PER_THREAD = 1_000_000 / THREADS;
  private static final int ROUND = 25_000;
  private static final long PAGE = 4096;
  private static final long IN_FLIGHT = Math.max(ChargeStocks.BATCH_PAGES, 80) * PAGE;

  @Test
  void stocksNeverPassALimitAndAllReturnToZero() throws Exception {
    Fixture f = Fixture.oneRegion(1024 * PAGE);
    String[] paths = {"/a", "/a/a1", "/a/a2", "/b", "/b/b1"};
    for (String p : paths) {
      f.mkdir(p);
    }
    // each thread holds at most 40 pages per target; limits near what they hold together
    f.write("/a", "max", Long.toString(200 * PAGE));
    f.write("/a/a1", "max", Long.toString(110 * PAGE));
    f.write("/b/b1", "max", Long.toString(90 * PAGE));
    List<String> all = new ArrayList<>(List.of("/", "/a", "/a/a1", "/a/a2", "/b", "/b/b1"));
    CgroupHandle[] targets = {f.cg("/a/a1"), f.cg("/a/a2"), f.cg("/b/b1"), f.cg("/b"), f.cg("/a")};
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    AtomicBoolean done = new AtomicBoolean();

    Thread watcher = new Thread(() -> {
      int n = 0;
      while (!done.get()) {
        for (String p : all) {
          PageCounter c = f.state(p).counter();
          long u = c.usage();
          long max = c.max();
          if (u < 0) {
            problems.add("negative usage at " + p + ": " + u);
          }
          // a charge adds first and compares after (as the kernel's page counter), so for an instant
          // usage may pass max by the charges in flight (one batch or one charge per thread), never
          // by charges that stay
          if (max != PageCounter.MAX && u > max + THREADS * IN_FLIGHT) {
            problems.add("usage " + u + " above max " + max + " plus what is in flight at " + p);
          }
        }
        if (++n % 64 == 0) {
          f.binding.drainStocks(null); // drain racing with the owners' takes and refills
        }
      }
    });
    watcher.start();

    long[][] held = new long[THREADS][targets.length];
    long[] refusals = new long[THREADS];
    StressChecks.runInRounds(THREADS, OPS_PER_THREAD, ROUND, 7919L, (me, rnd) -> {
      int i = rnd.nextInt(targets.length);
      int kind = rnd.nextInt(100);
      long bytes = (1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 80 : 4)) * PAGE;
      if (kind < 50 && held[me][i] + bytes <= 40 * PAGE) {
        boolean ok;
        if (kind < 10) {
          try {
            f.charging.charge(targets[i], 0, bytes);
            ok = true;
          } catch (CgroupException e) {
            if (e.errno() != Errno.ENOSPC) {
              throw e;
            }
            ok = false;
          }
        } else {
          ok = f.charging.tryCharge(targets[i], 0, bytes) != null;
        }
        if (ok) {
          held[me][i] += bytes;
        } else {
          refusals[me]++;
        }
      } else if (held[me][i] > 0) {
        long b = Math.min(held[me][i], bytes);
        f.charging.uncharge(targets[i], 0, b);
        held[me][i] -= b;
      }
    }, () -> {
      f.binding.drainStocks(null);
      check(f, all, targets, held, problems);
    }, problems);
    StressChecks.unchargeAll(f, targets, held);
    done.set(true);
    watcher.join();
    f.binding.drainStocks(null);
    check(f, all, targets, held, problems);
    assertThat(problems).isEmpty();
    for (String p : all) {
      PageCounter c = f.state(p).counter();
      assertThat(c.usage()).as(p).isZero();
      assertThat(f.state(p).drained()).as(p).isTrue();
    }
    long refused = 0;
    for (long r : refusals) {
      refused += r;
    }
    assertThat(refused).as("the limits were reached").isPositive();
    assertThat(f.binding.stocks().registered()).as("the workers' stocks went with their threads").isZero();
  }

  private static void check(Fixture f, List<String> all, CgroupHandle[] targets, long[][] held,
      ConcurrentLinkedQueue<String> problems) {
    StressChecks.checkUsage(f, all, targets, held, problems);
    for (String p : all) {
      PageCounter c = f.state(p).counter();
      if (c.usage() < 0) {
        problems.add(p + ": negative usage " + c.usage());
      }
    }
  }
}
