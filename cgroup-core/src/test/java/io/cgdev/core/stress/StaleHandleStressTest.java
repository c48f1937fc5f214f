package io.cgdev.core.stress;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.Errno;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import io.cgdev.core.Cgroups;
import io.cgdev.core.testing.DemoController;
import io.cgdev.core.testing.Devices;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Readers open and read a controller's files without a lock while a writer disables and enables the
 * controller in the parent's {@code cgroup.subtree_control}. Invariants: a handle that once failed
 * with {@code ENODEV} never reads again; a handle that a whole disable followed (it began after the
 * open returned) never reads again; opens fail only with {@code ENOENT} (hidden at that moment).
 */
class StaleHandleStressTest {
  private static final String[] FILES = {"/a/demo.devices/gpu0/demo.value", "/a/demo.info"};

  @Test
  void aHandleNeverReadsAgainAfterADisable() throws Exception {
    long seed = System.nanoTime();
    try (Cgroups cg = Cgroups.builder().discover(false).controller(new DemoController()).build()) {
      CgroupFs fs = cg.fs();
      fs.mkdir("/a");
      fs.write("/cgroup.subtree_control", "+demo");
      cg.register(Devices.spec("gpu0", "demo"));
      // how many disables have completed: a reader that saw e after its open returned knows that
      // disable e + 2 began after the open
      AtomicLong disables = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong staleSeen = new AtomicLong();
      AtomicLong readsOk = new AtomicLong();
      Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
      List<Thread> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        Random rnd = new Random(seed + r);
        readers.add(Thread.ofPlatform().start(() -> {
          try {
            while (!stop.get()) {
              readThroughOneHandle(fs, FILES[rnd.nextInt(FILES.length)], disables, staleSeen, readsOk);
            }
          } catch (Throwable t) {
            failures.add(t);
          }
        }));
      }
      // at least 2000 rounds, and on until both outcomes were seen (a loaded machine may starve the readers)
      for (int i = 0; i < 2000 || ((readsOk.get() == 0 || staleSeen.get() == 0) && i < 1_000_000); i++) {
        fs.write("/cgroup.subtree_control", "-demo");
        disables.incrementAndGet();
        fs.write("/cgroup.subtree_control", "+demo");
      }
      stop.set(true);
      for (Thread t : readers) {
        t.join();
      }
      assertThat(failures).as("seed %d", seed).isEmpty();
      assertThat(readsOk.get()).as("reads that succeeded").isPositive();
      assertThat(staleSeen.get()).as("handles that went stale").isPositive();
    }
  }

  private static void readThroughOneHandle(CgroupFs fs, String path, AtomicLong disables, AtomicLong staleSeen,
      AtomicLong readsOk) {
    OpenFile h;
    try {
      h = fs.open(path, OpenOptions.READ);
    } catch (CgroupException e) {
      assertThat(e.errno()).as(e.getMessage()).isEqualTo(Errno.ENOENT);
      return;
    }
    try (h) {
      long openedAt = disables.get();
      boolean stale = false;
      for (int i = 0; i < 50; i++) {
        long now = disables.get();
        try {
          String v = h.read();
          assertThat(stale).as("%s read again after ENODEV", path).isFalse();
          assertThat(now).as("%s read after a whole disable followed its open", path).isLessThan(openedAt + 2);
          assertThat(v).endsWith("\n");
          readsOk.incrementAndGet();
        } catch (CgroupException e) {
          assertThat(e.errno()).as(e.getMessage()).isEqualTo(Errno.ENODEV);
          if (!stale) {
            staleSeen.incrementAndGet();
          }
          stale = true;
        }
      }
    }
  }
}
