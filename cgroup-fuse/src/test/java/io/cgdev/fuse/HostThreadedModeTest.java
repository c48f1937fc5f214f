package io.cgdev.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cgdev.api.CgroupPath;
import io.cgdev.core.Cgroups;
import io.cgdev.fuse.client.Libc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host kernel as the judge of threaded mode: the same sequence of writes and reads of {@code
 * cgroup.type}, {@code cgroup.procs} and {@code cgroup.threads} — making cgroups threaded, moving a
 * process and single threads, writes the kernel refuses — runs with libc calls on a cgroup of the
 * host's cgroup2 (a python process with two extra threads) and on the mount (a modelled task with
 * two threads), and every step's outcome (errno, or what a read listed, ids named p, t1, t2) must be
 * the same. Controllers are not compared here (the host offers none but hugetlb to cgroup2; cgdev's
 * refusal of domain controllers in a threaded subtree is in cgroup-core's ThreadedModeScenarioTest).
 * Needs root, a writable host cgroup2 and python3; skipped with one line otherwise. Time budget:
 * well under a second per side.
 */
class HostThreadedModeTest {
  @TempDir Path temp;

  /** One side: the cgroup the sequence runs in and the ids of the process and its two threads. */
  private record Side(Path cgroup, int pid, int t1, int t2) {
    Map<String, String> names() {
      return Map.of(Integer.toString(pid), "p", Integer.toString(t1), "t1", Integer.toString(t2), "t2");
    }
  }

  @Test
  void typeTransitionsAndThreadMovesAreTheHostKernels() throws Exception {
    FuseTesting.requireFuse();
    assumeTrue(FuseTesting.isRoot(), "comparing with the host's cgroup2 needs root");
    Optional<Path> host = HostCgroup2.find();
    assumeTrue(host.isPresent(), HostCgroup2.missingReason());
    Process python;
    try {
      python = new ProcessBuilder("python3", "-c",
          "import threading,time\n"
              + "for _ in range(2): threading.Thread(target=time.sleep, args=(600,), daemon=True).start()\n"
              + "print('ready', flush=True)\ntime.sleep(600)\n").redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      assumeTrue(false, "comparing threaded mode with the host needs python3 for a process with threads: " + e.getMessage());
      return;
    }
    Path probe = HostCgroup2.makeProbe(host.get(), "threaded");
    try (Cgroups cgroups = Cgroups.builder().discover(true).build()) {
      List<Integer> tids = threadsOf(python);
      List<String> kernel = run(new Side(probe, (int) python.pid(), tids.get(0), tids.get(1)));
      Path dir = FuseTesting.mountPoint(temp);
      try (CgroupMount mount = CgroupMount.mount(cgroups.fs(), dir, MountOptions.defaults())) {
        cgroups.fs().mkdir("/probe");
        int pid = cgroups.tasks().spawn("python", CgroupPath.root()).pid();
        int t1 = cgroups.tasks().spawnThread(pid);
        int t2 = cgroups.tasks().spawnThread(pid);
        List<String> cgdev = run(new Side(dir.resolve("probe"), pid, t1, t2));
        System.out.println("cgroup-fuse: threaded mode on the host kernel and on the mount: " + kernel);
        assertThat(cgdev).isEqualTo(kernel);
      }
    } finally {
      python.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      HostCgroup2.removeTree(probe);
    }
  }

  /** The two threads of the python process besides its main one, once they are there (at most 5 s). */
  private static List<Integer> threadsOf(Process p) throws Exception {
    String line = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
    assertThat(line).as("the python helper starts").isEqualTo("ready");
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(p.pid()), "task"))) {
      List<Integer> tids = tasks.map(t -> Integer.parseInt(t.getFileName().toString()))
          .filter(t -> t != p.pid()).sorted().toList();
      assertThat(tids).as("python's threads").hasSize(2);
      return tids;
    }
  }

  private static List<String> run(Side s) {
    List<String> out = new ArrayList<>();
    Path c = s.cgroup();
    for (String d : List.of("d", "d/a", "d/b", "d/x")) {
      out.add("mkdir " + d + ": " + Libc.mkdir(c.resolve(d).toString()).kind());
    }
    out.add(step(s, "procs p -> d", write(c.resolve("d/cgroup.procs"), s.pid())));
    out.add(types(c, "d", "d/a", "d/b", "d/x"));
    out.add(step(s, "type threaded -> d/a", write(c.resolve("d/a/cgroup.type"), "threaded")));
    out.add(types(c, "d", "d/a", "d/b", "d/x"));
    out.add(step(s, "type domain -> d/b", write(c.resolve("d/b/cgroup.type"), "domain")));
    out.add(step(s, "type bogus -> d/b", write(c.resolve("d/b/cgroup.type"), "bogus")));
    out.add(step(s, "threads t1 -> d/a", write(c.resolve("d/a/cgroup.threads"), s.t1())));
    out.add(step(s, "read d/a/cgroup.threads", read(c.resolve("d/a/cgroup.threads"))));
    out.add(step(s, "read d/a/cgroup.procs", read(c.resolve("d/a/cgroup.procs"))));
    out.add(step(s, "read d/cgroup.procs", read(c.resolve("d/cgroup.procs"))));
    out.add(step(s, "read d/cgroup.threads", read(c.resolve("d/cgroup.threads"))));
    out.add(step(s, "procs p -> d/x (invalid domain)", write(c.resolve("d/x/cgroup.procs"), s.pid())));
    out.add(step(s, "threads t2 -> d/x", write(c.resolve("d/x/cgroup.threads"), s.t2())));
    out.add(step(s, "threads t2 -> root of the probe", write(c.resolve("cgroup.threads"), s.t2())));
    out.add(step(s, "type threaded -> d (populated thread root)", write(c.resolve("d/cgroup.type"), "threaded")));
    out.add(step(s, "type threaded -> d/b", write(c.resolve("d/b/cgroup.type"), "threaded")));
    out.add(step(s, "threads t2 -> d/b", write(c.resolve("d/b/cgroup.threads"), s.t2())));
    out.add("mkdir d/a/sub: " + Libc.mkdir(c.resolve("d/a/sub").toString()).kind());
    out.add(types(c, "d/a/sub", "d/x"));
    out.add(step(s, "threads t2 -> d/a/sub (domain invalid)", write(c.resolve("d/a/sub/cgroup.threads"), s.t2())));
    out.add(step(s, "type threaded -> d/a/sub", write(c.resolve("d/a/sub/cgroup.type"), "threaded")));
    out.add(step(s, "threads t2 -> d/a/sub", write(c.resolve("d/a/sub/cgroup.threads"), s.t2())));
    out.add(step(s, "type threaded -> d/a (again)", write(c.resolve("d/a/cgroup.type"), "threaded")));
    out.add(step(s, "procs p -> d/a (threaded)", write(c.resolve("d/a/cgroup.procs"), s.pid())));
    for (String d : List.of("d", "d/a", "d/a/sub", "d/b")) {
      out.add(step(s, "read " + d + "/cgroup.threads", read(c.resolve(d + "/cgroup.threads"))));
    }
    out.add(step(s, "rmdir d/x", Libc.rmdir(c.resolve("d/x").toString())));
    out.add(types(c, "d", "d/a", "d/b"));
    out.add(step(s, "procs p -> the probe", write(c.resolve("cgroup.procs"), s.pid())));
    out.add(types(c, "d", "d/a", "d/b"));
    return out;
  }

  private static String types(Path c, String... cgroups) {
    return Arrays.stream(cgroups).map(d -> {
      Libc.Outcome o = read(c.resolve(d + "/cgroup.type"));
      return d + "=" + (o.ok() ? o.detail().strip() : o.errno());
    })
        .collect(Collectors.joining(", ", "types: ", ""));
  }

  /** A step's outcome with ids named and listed ids sorted (the kernel lists threads in no fixed order). */
  private static String step(Side s, String what, Libc.Outcome o) {
    if (!o.ok()) {
      return what + ": " + o.errno();
    }
    if (o.detail().isEmpty()) {
      return what + ": ok";
    }
    Map<String, String> names = s.names();
    return what + ": " + o.detail().lines().map(l -> names.getOrDefault(l.strip(), "?" + l)).sorted()
        .collect(Collectors.joining(" ", "[", "]"));
  }

  private static Libc.Outcome write(Path file, int id) {
    return write(file, Integer.toString(id));
  }

  private static Libc.Outcome write(Path file, String text) {
    Libc.Outcome open = Libc.open(file.toString(), Libc.O_WRONLY);
    if (!open.ok()) {
      return open;
    }
    try {
      Libc.Outcome w = Libc.write(open.result(), text);
      return w.ok() ? new Libc.Outcome(0, null, "") : w;
    } finally {
      Libc.close(open.result());
    }
  }

  private static Libc.Outcome read(Path file) {
    Libc.Outcome open = Libc.open(file.toString(), Libc.O_RDONLY);
    if (!open.ok()) {
      return open;
    }
    try {
      return Libc.pread(open.result(), 65536, 0);
    } finally {
      Libc.close(open.result());
    }
  }
}
