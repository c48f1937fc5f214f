package io.cgdev.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cgdev.api.CgroupPath;
import io.cgdev.core.Cgroups;
import io.cgdev.fuse.client.Libc;
import io.cgdev.fuse.client.Waiters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host kernel as the judge of change notification: the same client — poll, epoll and the
 * selftests' inotify helper on {@code cgroup.events} while a process moves out and in, its cgroup
 * freezes and is killed — runs on a cgroup of the host's cgroup2 (a {@code sleep} process) and on a
 * cgroup of the mount (a modelled task), and what it sees must be the same: which waits wake, and
 * what the file says after each. Needs root and a writable host cgroup2; skipped with one line
 * otherwise. Time budget: about 2 s per side (a few 300 ms quiet waits).
 */
class HostNotificationTest {
  private static final int QUIET_MILLIS = 300;

  @TempDir Path temp;

  /** One side: a cgroup folder with a child {@code job}, and a process to move. */
  private record Side(Path cgroup, int pid) {}

  @Test
  void pollEpollAndInotifyWakeAsOnTheHostKernel() throws Exception {
    FuseTesting.requireFuse();
    assumeTrue(FuseTesting.isRoot(), "comparing with the host's cgroup2 needs root");
    Optional<Path> host = HostCgroup2.find();
    assumeTrue(host.isPresent(), HostCgroup2.missingReason());
    Path probe = HostCgroup2.makeProbe(host.get(), "notify");
    Process sleeper = new ProcessBuilder("sleep", "600").start();
    try (Cgroups cgroups = Cgroups.builder().discover(true).build()) {
      Files.createDirectory(probe.resolve("job"));
      List<String> kernel = run(new Side(probe, (int) sleeper.pid()), () -> (int) sleeper.pid());
      Path dir = FuseTesting.mountPoint(temp);
      try (CgroupMount mount = CgroupMount.mount(cgroups.fs(), dir, MountOptions.defaults())) {
        cgroups.fs().mkdir("/probe");
        cgroups.fs().mkdir("/probe/job");
        int[] task = {cgroups.tasks().spawn("sleep", CgroupPath.root()).pid()};
        List<String> cgdev = run(new Side(dir.resolve("probe"), task[0]),
            () -> task[0] = cgroups.tasks().spawn("sleep", CgroupPath.root()).pid());
        System.out.println("cgroup-fuse: notification on the host kernel and on the mount: " + kernel);
        assertThat(cgdev).isEqualTo(kernel);
      }
    } finally {
      sleeper.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      HostCgroup2.removeTree(probe);
    }
  }

  /**
   * The client's sequence on one side; each step's outcome as text.
   *
   * @param respawn starts a fresh process (after the kill) and returns its pid
   */
  private static List<String> run(Side side, IntSupplier respawn) throws Exception {
    List<String> out = new ArrayList<>();
    Path job = side.cgroup().resolve("job");
    Path events = job.resolve("cgroup.events");
    write(job.resolve("cgroup.procs"), side.pid());
    int fd = Libc.open(events.toString(), Libc.O_RDONLY).result();
    try {
      out.add("fresh descriptor: " + describe(Waiters.pollPri(fd, 0)));
      out.add("read: " + read(fd));
      out.add("no change: " + describe(Waiters.pollPri(fd, QUIET_MILLIS)));
      // poll while the process moves out
      CompletableFuture<Integer> moved = CompletableFuture.supplyAsync(() -> Waiters.pollPri(fd, 10_000));
      Thread.sleep(50);
      write(side.cgroup().resolve("cgroup.procs"), side.pid());
      out.add("moved out: " + describe(moved.get(10, TimeUnit.SECONDS)) + ", " + read(fd));
      // the selftests' helper while it moves back in. The kernel sends inotify events from a workqueue
      // (kernfs_notify_workfn), which a busy machine runs late: let the move-out's land before watching
      Thread.sleep(200);
      int inotify = Waiters.prepareForWait(events.toString());
      out.add("inotify quiet: " + describe(Waiters.poll(inotify, Waiters.POLLIN, QUIET_MILLIS)));
      CompletableFuture<Integer> waited = CompletableFuture.supplyAsync(() -> Waiters.waitFor(inotify));
      Thread.sleep(50);
      write(job.resolve("cgroup.procs"), side.pid());
      out.add("cg_wait_for on moving in: " + waited.get(10, TimeUnit.SECONDS) + ", " + Files.readString(events).strip());
      Libc.close(inotify);
      // epoll while it freezes (the kernel freezes a real process asynchronously: read until it shows)
      read(fd);
      CompletableFuture<Integer> froze = CompletableFuture.supplyAsync(() -> Waiters.epollPri(fd, 10_000));
      Thread.sleep(50);
      Files.writeString(job.resolve("cgroup.freeze"), "1");
      out.add("freeze: " + describe(froze.get(10, TimeUnit.SECONDS)) + ", " + readUntil(fd, "frozen 1"));
      // poll while it is killed, until the cgroup is empty
      CompletableFuture<String> killed = CompletableFuture.supplyAsync(() -> {
        int revents = Waiters.pollPri(fd, 10_000);
        return describe(revents) + ", " + readUntil(fd, "populated 0");
      });
      Thread.sleep(50);
      Files.writeString(job.resolve("cgroup.kill"), "1");
      out.add("kill: " + killed.get(10, TimeUnit.SECONDS));
      Files.writeString(job.resolve("cgroup.freeze"), "0");
      out.add("thaw: " + describe(Waiters.pollPri(fd, 1_000)) + ", " + read(fd));
      respawn.getAsInt();
    } finally {
      Libc.close(fd);
    }
    return out;
  }

  private static void write(Path file, int pid) throws Exception {
    Files.writeString(file, Integer.toString(pid));
  }

  private static String read(int fd) {
    return Libc.pread(fd, 4096, 0).detail().strip().replace('\n', ';');
  }

  /** Reads again after each wakeup (at most 5 s) until the content says {@code what}. */
  private static String readUntil(int fd, String what) {
    String now = read(fd);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!now.contains(what) && System.nanoTime() < deadline) {
      Waiters.pollPri(fd, 100);
      now = read(fd);
    }
    return now;
  }

  private static String describe(int revents) {
    if (revents < 0) {
      return "errno " + -revents;
    }
    if (revents == 0) {
      return "no wakeup";
    }
    return (revents & Waiters.POLLPRI) != 0 ? "woke with POLLPRI" + ((revents & Waiters.POLLERR) != 0 ? "|POLLERR" : "")
        : "woke without POLLPRI (" + revents + ")";
  }
}
