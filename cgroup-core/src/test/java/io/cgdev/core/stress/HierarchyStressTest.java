package io.cgdev.core.stress;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.FsEntry;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.core.Cgroups;
import io.cgdev.core.testing.DemoController;
import io.cgdev.core.testing.Devices;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Readers list and read files and look states up without a lock while a writer thread makes and
 * removes cgroups and registers and unregisters devices. Readers may only see ENOENT (the entry went
 * away before the open) or ENODEV (it went away after); what they read must be whole: a device file
 * reads a number, cgroup.stat four well-formed lines, and a listing never shows a half-made device.
 */
class HierarchyStressTest {
  private static final Set<Errno> ALLOWED = Set.of(Errno.ENOENT, Errno.ENODEV);

  @Test
  void readersSeeOnlyWholeStatesWhileTheTreeChanges() throws Exception {
    long seed = System.nanoTime();
    DemoController demo = new DemoController();
    try (Cgroups cg = Cgroups.builder().discover(false).controller(demo).build()) {
      CgroupFs fs = cg.fs();
      fs.write("/cgroup.subtree_control", "+demo");
      for (int i = 0; i < 4; i++) {
        fs.mkdir("/s" + i);
        fs.write("/s" + i + "/cgroup.subtree_control", "+demo");
      }
      AtomicBoolean stop = new AtomicBoolean();
      Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
      AtomicLong reads = new AtomicLong();
      int readers = 3;
      CountDownLatch done = new CountDownLatch(readers);
      List<Thread> threads = new ArrayList<>();
      for (int r = 0; r < readers; r++) {
        long rs = seed + r;
        threads.add(Thread.ofPlatform().start(() -> {
          Random rnd = new Random(rs);
          try {
            while (!stop.get()) {
              readOnce(cg, fs, rnd);
              reads.incrementAndGet();
            }
          } catch (Throwable t) {
            failures.add(t);
          } finally {
            done.countDown();
          }
        }));
      }
      Random rnd = new Random(seed);
      List<DeviceRegistration> regs = new ArrayList<>();
      for (int step = 0; step < 3000; step++) {
        int k = rnd.nextInt(4);
        String path = "/s" + rnd.nextInt(4) + "/c" + rnd.nextInt(6);
        try {
          switch (k) {
            case 0 -> fs.mkdir(path);
            case 1 -> fs.rmdir(path);
            case 2 -> regs.add(cg.register(Devices.spec("d" + rnd.nextInt(5), "demo")));
            default -> {
              if (!regs.isEmpty()) {
                regs.remove(rnd.nextInt(regs.size())).unregister();
              }
            }
          }
        } catch (CgroupException e) {
          assertThat(e.errno()).as("writer, seed %d: %s", seed, e.getMessage())
              .isIn(Errno.EEXIST, Errno.ENOENT, Errno.ENODEV);
        }
      }
      stop.set(true);
      assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
      for (Thread t : threads) {
        t.join();
      }
      assertThat(failures).as("seed %d", seed).isEmpty();
      assertThat(reads.get()).isPositive();
      // teardown leaves no state behind
      for (DeviceRegistration r : regs) {
        r.unregister();
      }
      assertThat(demo.states).allSatisfy(s -> {
        assertThat(s.online).isEqualTo(1);
        assertThat(s.freed).as("state of %s", s.cgroup.path()).isEqualTo(s.offline);
      });
      assertThat(demo.states).filteredOn(s -> s.freed == 0).isEmpty();
    }
  }

  private static void readOnce(Cgroups cg, CgroupFs fs, Random rnd) {
    String group = "/s" + rnd.nextInt(4) + (rnd.nextBoolean() ? "" : "/c" + rnd.nextInt(6));
    try {
      switch (rnd.nextInt(4)) {
        case 0 -> {
          for (FsEntry e : fs.list(group + "/demo.devices")) {
            String v = fs.read(group + "/demo.devices/" + e.name() + "/demo.value");
            assertThat(v).matches("\\d+\n");
          }
        }
        case 1 -> assertThat(fs.read(group + "/cgroup.stat"))
            .matches("nr_descendants \\d+\nnr_subsys_demo \\d+\nnr_dying_descendants \\d+\nnr_dying_subsys_demo \\d+\n");
        case 2 -> assertThat(fs.list(group)).extracting(FsEntry::name).contains("cgroup.procs", "demo.devices");
        default -> {
          CgroupHandle h = cg.context().cgroup(CgroupPath.parse(group));
          assertThat(h.path().toString()).isEqualTo(group);
          assertThat(h.online() || !h.online()).isTrue();
          assertThat(h.level()).isEqualTo(group.chars().filter(c -> c == '/').count());
        }
      }
    } catch (CgroupException e) {
      if (!ALLOWED.contains(e.errno())) {
        throw e;
      }
    }
  }
}
