package io.cgdev.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Task;
import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.core.Cgroups;
import io.cgdev.fuse.client.Libc;
import io.cgdev.fuse.client.Waiters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Change notification through the mount, with the calls real clients make ({@link Waiters}): {@code
 * poll} and {@code epoll} on {@code POLLPRI} wake when {@code cgroup.events} (or a controller's
 * {@code memory.events}) changes and never without a change; the kernel selftests' {@code
 * cg_prepare_for_wait}/{@code cg_wait_for} (inotify) work unchanged; a poller waits for {@code
 * populated 0} while the last task leaves. {@code HostNotificationTest} runs the same clients on the
 * host kernel's cgroup2 and compares.
 *
 * <p>Time budget: about 3 s ({@value #ROUNDS} timed wakeups, a few 300 ms "nothing happens" waits).
 */
class ChangeNotificationMountTest {
  private static final int ROUNDS = 20;
  /** How long "no change" is watched for: a wakeup within it would be one without a change. */
  private static final int QUIET_MILLIS = 300;

  @TempDir static Path temp;
  private static Cgroups cgroups;
  private static CgroupFs fs;
  private static CgroupMount mount;
  private static Path dir;

  @BeforeAll
  static void mount() {
    FuseTesting.requireFuse();
    cgroups = Cgroups.builder().discover(true).build(); // the memory controller, found on the test path
    fs = cgroups.fs();
    dir = FuseTesting.mountPoint(temp);
    mount = CgroupMount.mount(fs, dir, MountOptions.defaults());
  }

  @AfterAll
  static void unmount() {
    if (mount != null) {
      mount.close();
    }
    if (cgroups != null) {
      cgroups.close();
    }
  }

  private static int open(String relative) {
    Libc.Outcome fd = Libc.open(dir.resolve(relative).toString(), Libc.O_RDONLY);
    assertThat(fd.ok()).as("open " + relative + ": " + fd).isTrue();
    return fd.result();
  }

  /** Reads the file from the start through {@code fd}, as a poll loop does after each wakeup. */
  private static String readFromStart(int fd) {
    Libc.Outcome r = Libc.pread(fd, 4096, 0);
    assertThat(r.ok()).as(r.toString()).isTrue();
    return r.detail();
  }

  @Test
  void pollWakesWithin100MillisecondsOfAChangeAndNeverWithoutOne() throws Exception {
    fs.mkdir("/timed");
    int fd = open("timed/cgroup.events");
    try {
      assertThat(Waiters.pollPri(fd, 0) & Waiters.POLLPRI).as("a fresh descriptor has not read yet").isNotZero();
      readFromStart(fd);
      assertThat(Waiters.pollPri(fd, QUIET_MILLIS)).as("no change, no wakeup").isZero();
      List<Long> latencies = new ArrayList<>();
      for (int i = 0; i < ROUNDS; i++) {
        CompletableFuture<Long> woke = CompletableFuture.supplyAsync(() -> {
          int revents = Waiters.pollPri(fd, 10_000);
          long at = System.nanoTime();
          assertThat(revents & (Waiters.POLLPRI | Waiters.POLLERR)).isEqualTo(Waiters.POLLPRI | Waiters.POLLERR);
          return at;
        });
        Thread.sleep(20); // the poller is waiting
        long changedAt = System.nanoTime();
        Task t = cgroups.tasks().spawn("t" + i, CgroupPath.parse("/timed"));
        latencies.add(woke.get(10, TimeUnit.SECONDS) - changedAt);
        assertThat(readFromStart(fd)).isEqualTo("populated 1\nfrozen 0\n");
        cgroups.tasks().exit(t.pid());
        assertThat(Waiters.pollPri(fd, 1_000) & Waiters.POLLPRI).isNotZero();
        assertThat(readFromStart(fd)).isEqualTo("populated 0\nfrozen 0\n");
      }
      latencies.sort(null);
      long median = latencies.get(ROUNDS / 2) / 1_000_000;
      long worst = latencies.getLast() / 1_000_000;
      System.out.printf("cgroup-fuse: poll on cgroup.events woke %d ms (median) / %d ms (worst of %d) after the change%n",
          median, worst, ROUNDS);
      // the budget of issue 17: within 100 ms; one slow round is the shared machine's, not the mount's
      assertThat(latencies.get(ROUNDS - 2) / 1_000_000).as("all but the slowest round within 100 ms: " + latencies)
          .isLessThan(100);
    } finally {
      Libc.close(fd);
    }
  }

  @Test
  void aPollerWaitsForPopulatedZeroWhileTheLastTaskLeaves() throws Exception {
    fs.mkdir("/job");
    Task first = cgroups.tasks().spawn("first", CgroupPath.parse("/job"));
    Task last = cgroups.tasks().spawn("last", CgroupPath.parse("/job"));
    int fd = open("job/cgroup.events");
    try {
      CompletableFuture<List<String>> seen = CompletableFuture.supplyAsync(() -> {
        List<String> contents = new ArrayList<>();
        String now = readFromStart(fd);
        while (now.contains("populated 1")) {
          int revents = Waiters.pollPri(fd, 10_000);
          if (revents == 0) {
            contents.add("timeout");
            break;
          }
          now = readFromStart(fd);
          contents.add(now);
        }
        return contents;
      });
      Thread.sleep(50);
      cgroups.tasks().exit(first.pid()); // still populated: no change of cgroup.events
      Thread.sleep(50);
      cgroups.tasks().exit(last.pid());
      assertThat(seen.get(10, TimeUnit.SECONDS)).containsExactly("populated 0\nfrozen 0\n");
    } finally {
      Libc.close(fd);
    }
  }

  @Test
  void epollWakesOnAFreezeAsPollDoes() throws Exception {
    fs.mkdir("/frozen");
    int fd = open("frozen/cgroup.events");
    try {
      readFromStart(fd);
      assertThat(Waiters.epollPri(fd, QUIET_MILLIS)).isZero();
      CompletableFuture<Integer> woke = CompletableFuture.supplyAsync(() -> Waiters.epollPri(fd, 10_000));
      Thread.sleep(50);
      fs.write("/frozen/cgroup.freeze", "1");
      assertThat(woke.get(10, TimeUnit.SECONDS) & Waiters.POLLPRI).isNotZero();
      assertThat(readFromStart(fd)).isEqualTo("populated 0\nfrozen 1\n");
    } finally {
      Libc.close(fd);
    }
  }

  @Test
  void theSelftestsCgWaitForWorksUnchangedThroughTheMount() throws Exception {
    fs.mkdir("/selftest");
    Task t = cgroups.tasks().spawn("t", CgroupPath.parse("/selftest"));
    String events = dir.resolve("selftest/cgroup.events").toString();
    // nothing changes: the inotify descriptor stays unreadable
    int quiet = Waiters.prepareForWait(events);
    assertThat(quiet).isNotNegative();
    assertThat(Waiters.poll(quiet, Waiters.POLLIN, QUIET_MILLIS)).isZero();
    Libc.close(quiet);
    // as test_freezer.c and test_core.c do: prepare, act, wait, close
    int fd = Waiters.prepareForWait(events);
    CompletableFuture<Integer> waited = CompletableFuture.supplyAsync(() -> Waiters.waitFor(fd));
    Thread.sleep(50);
    cgroups.tasks().exit(t.pid());
    assertThat(waited.get(10, TimeUnit.SECONDS)).isZero();
    Libc.close(fd);
    assertThat(Files.readString(Path.of(events))).isEqualTo("populated 0\nfrozen 0\n");
    int freezing = Waiters.prepareForWait(events);
    CompletableFuture<Integer> frozen = CompletableFuture.supplyAsync(() -> Waiters.waitFor(freezing));
    Thread.sleep(50);
    fs.write("/selftest/cgroup.freeze", "1");
    assertThat(frozen.get(10, TimeUnit.SECONDS)).isZero();
    Libc.close(freezing);
  }

  @Test
  void memoryEventsWakeAPollerWhenAChargeHitsTheLimitAndAFileThatIsNotNotifiedNever() throws Exception {
    DeviceRegistration gpu = cgroups.register(
        DeviceSpec.builder("gpu0", "test").controllers("memory").region(new RegionSpec("vram", 1 << 24)).build());
    fs.write("/cgroup.subtree_control", "+memory");
    fs.mkdir("/limited");
    fs.write("/limited/memory.devices/gpu0/memory.max", "64K");
    MemoryCharging charging = gpu.capability(MemoryCharging.class).orElseThrow();
    CgroupHandle limited = cgroups.context().cgroup(CgroupPath.parse("/limited"));
    int events = open("limited/memory.devices/gpu0/memory.events");
    int current = open("limited/memory.devices/gpu0/memory.current");
    try {
      readFromStart(events);
      readFromStart(current);
      MemoryCharging.Pool pool = charging.charge(limited, 0, 4096); // usage changes: memory.current is not notified
      assertThat(Waiters.pollPri(current, QUIET_MILLIS)).isZero();
      assertThat(Waiters.pollPri(events, 0)).isZero();
      CompletableFuture<Integer> woke = CompletableFuture.supplyAsync(() -> Waiters.pollPri(events, 10_000));
      Thread.sleep(50);
      try {
        charging.charge(limited, 0, 1 << 20);
      } catch (CgroupException e) {
        assertThat(e.errno()).isEqualTo(Errno.ENOSPC);
      }
      assertThat(woke.get(10, TimeUnit.SECONDS) & Waiters.POLLPRI).isNotZero();
      assertThat(readFromStart(events)).contains("max 1").contains("oom 1");
      charging.uncharge(pool, 4096);
    } finally {
      Libc.close(events);
      Libc.close(current);
    }
  }
}
