package io.cgdev.controller.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.TimeSharing.Client;
import io.cgdev.api.spi.TimeSharing;
import io.cgdev.testkit.FakeClock;
import io.cgdev.testkit.TestBinding;
import io.cgdev.testkit.TestCgroups;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * Two engine threads pick and report while a third opens, closes and wakes clients and rewrites
 * weights and limits. Checks: no client is picked while it is not runnable or closed, nor while the
 * other engine runs it; the queues stay well formed; at the end every level's usage equals what the
 * engines reported below it.
 */
class CpuSchedStressTest {
  private static final int ROUNDS = 60_000;

  @Test
  void enginesAndClientChurnKeepTheInvariants() throws Exception {
    FakeClock clock = new FakeClock();
    TestCgroups cgroups = new TestCgroups();
    TestBinding<CpuState> gpu = cgroups.bind(new CpuController(), TestDevices.gpu0(clock, "rcs0", "bcs0"));
    CpuBinding binding = (CpuBinding) gpu.binding();
    TimeSharing ts = gpu.capability(TimeSharing.class).orElseThrow();
    CgroupHandle a = cgroups.mkdir(cgroups.root(), "a");
    CgroupHandle b = cgroups.mkdir(cgroups.root(), "b");
    CgroupHandle[] groups = {a, b, cgroups.mkdir(a, "a1"), cgroups.mkdir(a, "a2"), cgroups.mkdir(b, "b1")};
    gpu.write(b, "cpu.max", "20000 50000");
    gpu.write(groups[4], "cpu.max", "5000 10000");
    ReentrantLock lock = binding.lock();

    AtomicLongArray reported = new AtomicLongArray(2);
    // per engine, the client it picked last and runs until it picks again; read and written under the lock
    Client[] running = new Client[2];
    Map<Client, AtomicLongArray> perClient = new ConcurrentHashMap<>();
    List<Client> everOpened = new CopyOnWriteArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    CyclicBarrier start = new CyclicBarrier(3);
    // engines keep picking until the churn is over, however the threads happen to be scheduled
    AtomicBoolean churning = new AtomicBoolean(true);

    List<Thread> threads = new ArrayList<>();
    for (int engine = 0; engine < 2; engine++) {
      int e = engine;
      threads.add(new Thread(() -> {
        Random r = new Random(1000 + e);
        try {
          start.await();
          for (int i = 0; i < ROUNDS || churning.get(); i++) {
            long slice = 1 + r.nextInt(500_000);
            Client c;
            lock.lock();
            try {
              c = ts.pickNext(e);
              running[e] = c;
              if (c != null) {
                CpuClient cc = (CpuClient) c;
                assertThat(cc.closed).as("picked a closed client").isFalse();
                assertThat(cc.runnable(e)).as("picked a client not runnable on engine %d", e).isTrue();
                assertThat(running[1 - e]).as("picked the client engine %d runs", 1 - e).isNotSameAs(c);
              }
            } finally {
              lock.unlock();
            }
            if (c != null) {
              c.ran(e, slice); // may race with a close: the time is still accounted
              reported.addAndGet(e, slice);
              perClient.get(c).addAndGet(e, slice);
            }
            clock.advance(slice);
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
              Client c = ts.open(r.nextInt(4) == 0 ? cgroups.root() : groups[r.nextInt(groups.length)], "c" + i);
              perClient.put(c, new AtomicLongArray(2));
              everOpened.add(c);
              slots[k] = c;
            }
            case 1, 2, 3, 4 -> {
              if (slots[k] != null) {
                slots[k].setRunnable(r.nextInt(2), r.nextInt(3) != 0);
              }
            }
            case 5 -> gpu.write(groups[r.nextInt(groups.length)], "cpu.weight", Integer.toString(1 + r.nextInt(1000)));
            case 6 -> gpu.write(b, "cpu.max", r.nextBoolean() ? "max" : (1000 + r.nextInt(40_000)) + " 50000");
            default -> {
              lock.lock();
              try {
                Invariants.checkQueues(cgroups, gpu);
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
      } finally {
        churning.set(false);
      }
    }, "churn"));
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertThat(failures).isEmpty();

    lock.lock();
    try {
      Invariants.checkQueues(cgroups, gpu);
    } finally {
      lock.unlock();
    }
    binding.checkReleased();
    assertThat(everOpened).hasSizeGreaterThan(1000);
    for (int e = 0; e < 2; e++) {
      assertThat(reported.get(e)).as("engine %d ran something", e).isPositive();
      assertThat(gpu.state(cgroups.root()).usage.get(e)).as("root usage, engine %d", e).isEqualTo(reported.get(e));
      for (Client c : everOpened) {
        assertThat(c.runtime(e)).isEqualTo(perClient.get(c).get(e));
      }
      for (CgroupHandle cg : cgroups.cgroups()) {
        long below = 0;
        for (CgroupHandle child : cgroups.cgroups()) {
          if (child.parent() == cg) {
            below += gpu.state(child).usage.get(e);
          }
        }
        for (Client c : everOpened) {
          if (c.cgroup() == cg) {
            below += c.runtime(e);
          }
        }
        assertThat(gpu.state(cg).usage.get(e)).as("usage of %s = children + own clients", cg).isEqualTo(below);
        assertThat(gpu.state(cg).entities[e].queue.isEmpty()).as("all closed: %s empty", cg).isTrue();
      }
    }
  }
}
