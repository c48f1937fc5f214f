package io.cgdev.i915;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Keyed;
import io.cgdev.api.spi.Controller;
import io.cgdev.core.Cgroups;
import io.cgdev.drm.DrmDevice;
import io.cgdev.drm.DrmFile;
import io.cgdev.drm.GemObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients create, use and free objects on several threads while limits are rewritten (reclaim under
 * the hierarchy lock) and the device runs live: no deadlock, usage within bounds while racing and
 * equal to what the objects hold once quiet, everything returns to zero.
 */
class I915ChargeStressTest {
  static final long M = 1 << 20;
  static final long REGION = 256 * M;
  static final long LARGEST_OBJECT = 16 * M;

  @Test
  @Timeout(120) // a deadlock would hang forever
  void concurrentCreateFreeReclaimAndLiveScheduling() throws Exception {
    I915ChargeStressTest.class.getModule().addUses(Controller.class);
    I915Driver driver = new I915Driver(new I915Descriptor(List.of(I915Descriptor.device(0, List.of(REGION)))));
    Cgroups.Builder b = Cgroups.builder().discover(false).driver(driver);
    ServiceLoader.load(Controller.class).forEach(b::controller);
    try (Cgroups cg = b.build()) {
      CgroupFs fs = cg.fs();
      fs.write("/cgroup.subtree_control", "+memory +cpu +cpuset");
      DrmDevice gpu = driver.device("i915.0");
      gpu.startLive();
      int threads = 4;
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      List<DrmFile> files = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        fs.mkdir("/t" + t);
        files.add(gpu.open(cg.tasks().spawn("t" + t, CgroupPath.parse("/t" + t))));
      }
      CountDownLatch done = new CountDownLatch(threads);
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        DrmFile f = files.get(t);
        long seed = 42 + t;
        workers.add(Thread.ofPlatform().start(() -> {
          Random rnd = new Random(seed);
          List<Integer> mine = new ArrayList<>();
          try {
            for (int i = 0; i < 400; i++) {
              if (!mine.isEmpty() && rnd.nextInt(3) == 0) {
                f.closeHandle(mine.remove(rnd.nextInt(mine.size())));
              } else {
                try {
                  int h = f.createGem((1 + rnd.nextInt((int) (LARGEST_OBJECT / M))) * M);
                  mine.add(h);
                  if (rnd.nextInt(4) == 0) {
                    gpu.submit(f, rnd.nextBoolean() ? "compute" : "copy", 100_000, h);
                  }
                } catch (CgroupException e) {
                  if (e.errno() != Errno.ENOSPC) {
                    throw e;
                  }
                }
              }
            }
          } catch (Throwable e) {
            errors.add(new AssertionError("seed " + seed, e));
          } finally {
            done.countDown();
          }
        }));
      }
      Random rnd = new Random(7);
      while (done.getCount() > 0) {
        int t = rnd.nextInt(threads);
        fs.write("/t" + t + "/memory.devices/i915.0/memory.max", (16 + rnd.nextInt(64)) + "M");
        checkUsageWhileRacing(fs, gpu, threads);
      }
      for (Thread w : workers) {
        w.join();
      }
      assertThat(errors).isEmpty();
      gpu.stopLive();
      checkUsageEqualsObjects(fs, gpu, threads);
      files.forEach(DrmFile::close);
      gpu.runFor(10_000_000); // drain batches still holding objects
      assertThat(gpu.objects()).isEmpty();
      for (int t = 0; t < threads; t++) {
        assertThat(fs.read("/t" + t + "/memory.devices/i915.0/memory.current")).isEqualTo("0\n");
      }
      gpu.unplug();
    }
  }

  /**
   * Read under no lock while clients create objects, so bounds only: a create charges before it
   * allocates and returns the charge when the allocator has no room (TTM's {@code ttm_resource_alloc}
   * does the same with dmem), so a cgroup may for a moment hold the whole region plus the one object
   * its client is placing.
   */
  private static void checkUsageWhileRacing(CgroupFs fs, DrmDevice gpu, int threads) {
    for (int t = 0; t < threads; t++) {
      long lmem = Long.parseLong(fs.read("/t" + t + "/memory.devices/i915.0/memory.current").strip());
      assertThat(lmem).isBetween(0L, REGION + LARGEST_OBJECT);
    }
    long placed = 0;
    for (GemObject o : gpu.objects()) {
      placed += o.region().equals("local0") ? o.size() : 0;
    }
    assertThat(placed).isBetween(0L, REGION);
  }

  /** Once nothing races: each cgroup's memory.current is exactly what its objects in device memory hold. */
  private static void checkUsageEqualsObjects(CgroupFs fs, DrmDevice gpu, int threads) {
    long[] held = new long[threads];
    for (GemObject o : gpu.objects()) {
      if (o.region().equals("local0") && o.chargedTo() != null) {
        held[Integer.parseInt(o.chargedTo().path().toString().substring("/t".length()))] += o.size();
      }
    }
    for (int t = 0; t < threads; t++) {
      assertThat(fs.read("/t" + t + "/memory.devices/i915.0/memory.current")).as("/t" + t).isEqualTo(held[t] + "\n");
    }
  }
}
