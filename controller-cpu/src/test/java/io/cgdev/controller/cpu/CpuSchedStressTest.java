package io.cgdev.controller.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.spi.TimeSharing;
import io.cgdev.api.spi.TimeSharing.Client;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * Two engine threads pick and report while a third opens, closes and wakes clients and rewrites
 * weights and limits. Checks: no client is picked while it is not runnable or closed; the queues
 * stay well formed; at the end every level's usage equals what the engines reported below it.
 */
class CpuSchedStressTest {
  private static final int ROUNDS = 60_000;

  @Test
  void enginesAndClientChurnKeepTheInvariants() throws Exception {
    FakeTree tree = new FakeTree("rcs0", "bcs0");
    TimeSharing ts = tree.timeSharing();
    FakeTree.Cg a = tree.mkdir(tree.root, "a");
    FakeTree.Cg b = tree.mkdir(tree.root, "b");
    FakeTree.Cg[] groups = {a, b, tree.mkdir(a, "a1"), tree.mkdir(a, "a2"), tree.mkdir(b, "b1")};
    tree.write(b, "cpu.max", "20000 50000");
    tree.write(groups[4], "cpu.max", "5000 10000");
    ReentrantLock lock = tree.binding.lock();

    AtomicLongArray reported = new AtomicLongArray(2);
    Map<Client, AtomicLongArray> perClient = new ConcurrentHashMap<>();
    List<Client> everOpened = new CopyOnWriteArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    CyclicBarrier start = new CyclicBarrier(3);

    List<Thread> threads = new ArrayList<>();
    for (int engine = 0; engine < 2; engine++) {
      int e = engine;
      threads.add(new Thread(() -> {
        Random r = new Random(1000 + e);
        try {
          start.await();
          for (int i = 0; i < ROUNDS; i++) {
            long slice = 1 + r.nextInt(500_000);
            Client c;
            lock.lock();
            try {
              c = ts.pickNext(e);
              if (c != null) {
                CpuClient cc = (CpuClient) c;
                assertThat(cc.closed).as("picked a closed client").isFalse();
                assertThat(cc.runnable(e)).as("picked a client not runnable on engine %d", e).isTrue();
              }
            } finally {
              lock.unlock();
            }
            if (c != null) {
              c.ran(e, slice); // may race with a close: the time is still accounted
              reported.addAndGet(e, slice);
              perClient.get(c).addAndGet(e, slice);
            }
            tree.clock.advance(slice);
          }
        } catch (Throwable t) {
          failures.add(t);
        }
      }, "engine-" + e));
    }
    threads.add(new Thread(() -> {
      Random r = new Random(7);
      Client[] slots = new Client[16];
      try {
        start.await();
        for (int i = 0; i < ROUNDS; i++) {
          int k = r.nextInt(slots.length);
          switch (r.nextInt(8)) {
            case 0 -> {
              if (slots[k] != null) {
                slots[k].close();
              }
              Client c = ts.open(r.nextInt(4) == 0 ? tree.root : groups[r.nextInt(groups.length)], "c" + i);
              perClient.put(c, new AtomicLongArray(2));
              everOpened.add(c);
              slots[k] = c;
            }
            case 1, 2, 3, 4 -> {
              if (slots[k] != null) {
                slots[k].setRunnable(r.nextInt(2), r.nextInt(3) != 0);
              }
            }
            case 5 -> tree.write(groups[r.nextInt(groups.length)], "cpu.weight", Integer.toString(1 + r.nextInt(1000)));
            case 6 -> tree.write(b, "cpu.max", r.nextBoolean() ? "max" : (1000 + r.nextInt(40_000)) + " 50000");
            default -> {
              lock.lock();
              try {
                Invariants.checkQueues(tree);
              } finally {
                lock.unlock();
              }
            }
          }
        }
        for (Client c : slots) {
          if (c != null) {
            c.close();
          }
        }
      } catch (Throwable t) {
        failures.add(t);
      }
    }, "churn"));
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertThat(failures).isEmpty();

    lock.lock();
    try {
      Invariants.checkQueues(tree);
    } finally {
      lock.unlock();
    }
    tree.binding.checkReleased();
    assertThat(everOpened).hasSizeGreaterThan(1000);
    for (int e = 0; e < 2; e++) {
      assertThat(reported.get(e)).as("engine %d ran something", e).isPositive();
      assertThat(tree.root.state.usage.get(e)).as("root usage, engine %d", e).isEqualTo(reported.get(e));
      for (Client c : everOpened) {
        assertThat(c.runtime(e)).isEqualTo(perClient.get(c).get(e));
      }
      for (FakeTree.Cg cg : tree.all) {
        long below = 0;
        for (FakeTree.Cg child : tree.all) {
          if (child.parent() == cg) {
            below += child.state.usage.get(e);
          }
        }
        for (Client c : everOpened) {
          if (c.cgroup() == cg) {
            below += c.runtime(e);
          }
        }
        assertThat(cg.state.usage.get(e)).as("usage of %s = children + own clients", cg).isEqualTo(below);
        assertThat(cg.state.entities[e].queue.isEmpty()).as("all closed: %s empty", cg).isTrue();
      }
    }
  }
}
