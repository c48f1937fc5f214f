package io.cgdev.drm;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Keyed;
import io.cgdev.api.Task;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.core.Cgroups;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12, item 2: no charge is ever lost and a live task never sees {@code ENODEV}, whatever the
 * interleaving of task moves, rmdir/mkdir of the task's cgroup, GEM create/close, prime
 * export/import and unplug attempts. Runs the real core with the memory and cpuset controllers and
 * a {@link DrmDevice}, in rounds; each round picks a variant and its parameters from a seed:
 *
 * <ul>
 *   <li>{@code MOVE}: the reproduction: one thread creates and closes 1 MiB buffers while
 *       another moves the task out of {@code /a}, removes {@code /a}, recreates it and moves the task
 *       back;
 *   <li>{@code PRIME}: the same, and every other buffer is exported and imported by a second task
 *       that another thread moves between {@code /b} and the root while removing and recreating
 *       {@code /b}; handles and dma-bufs are closed in random order;
 *   <li>{@code NESTED}: the task lives in {@code /a/x}; {@code /a/x} and then {@code /a} are removed
 *       (a dying parent of a dying child) and recreated;
 *   <li>{@code LIMIT}: {@code MOVE} with {@code memory.max} on {@code /a}, so charges reclaim and
 *       evict buffers of removed cgroups to system memory on the way (their charge moving to swap),
 *       and creates the limit refuses fall back to system memory (host memory: not charged).
 * </ul>
 *
 * A third thread keeps trying to unplug the device, which must be refused with {@code EBUSY} while
 * a buffer lives. The reference model holds every live buffer with its size and the cgroups the task
 * was in while it was created (a history the mover writes before and after each move). Checked:
 * every create either succeeds, charged to one of those cgroups (or placed in host memory,
 * uncharged), or (LIMIT only) fails with {@code ENOSPC}; no close fails; after each burst (threads
 * stopped) every live cgroup's {@code memory.current} plus {@code memory.swap.current} equals the
 * bytes of the live buffers charged to it or below, and the root's equals all charged ones; after each round (everything closed) every counter is zero, no cgroup is dying and
 * the device unplugs.
 *
 * <p>Time budget: system property {@value #SECONDS} (seconds); by default 60 when the environment
 * variable {@code CI} is set (CI services set it; {@code .ci/run} does too), else 5. The seed is
 * {@value #SEED} if given, else the clock's; it is printed at the start and in every failure, and
 * replays the rounds' variants and choices (not the threads' interleaving).
 */
class ChargeRaceStressTest {
  static final String SECONDS = "cgdev.stress.seconds";
  static final String SEED = "cgdev.stress.seed";
  static final long M = 1 << 20;
  static final long BURST_MILLIS = 250;
  static final int BURSTS_PER_ROUND = 4;

  enum Variant { MOVE, PRIME, NESTED, LIMIT }

  static Duration budget() {
    String s = System.getProperty(SECONDS);
    if (s != null && !s.isBlank()) {
      return Duration.ofSeconds(Long.parseLong(s.strip()));
    }
    return Duration.ofSeconds(System.getenv("CI") != null ? 60 : 5);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES) // a deadlock would hang; the budget is far below this
  void chargesAreNeverLostAndALiveTaskNeverSeesEnodev() throws Exception {
    ChargeRaceStressTest.class.getModule().addUses(Controller.class);
    long master = Long.getLong(SEED, System.nanoTime());
    Duration budget = budget();
    System.out.printf("ChargeRaceStressTest: seed %d, %d s (-D%s=%d -D%s=%d to replay)%n",
        master, budget.toSeconds(), SEED, master, SECONDS, budget.toSeconds());
    Random seeds = new Random(master);
    long end = System.nanoTime() + budget.toNanos();
    int rounds = 0;
    Totals totals = new Totals();
    int first = seeds.nextInt(Variant.values().length);
    do {
      long seed = seeds.nextLong();
      Variant v = Variant.values()[(first + rounds) % Variant.values().length]; // every variant, in turn
      String where = "round " + (rounds + 1) + " (" + v + ", round seed " + seed + ", -D" + SEED + "=" + master + ")";
      new Round(v, seed, where, totals).run();
      rounds++;
      System.out.printf("ChargeRaceStressTest: round %d (%s) done; so far %s%n", rounds, v, totals);
    } while (System.nanoTime() < end);
    System.out.printf("ChargeRaceStressTest: %d rounds: %s%n", rounds, totals);
    assertThat(totals.creates.get()).as("the race ran").isPositive();
    assertThat(totals.moves.get()).as("the task moved").isPositive();
  }

  /** What all rounds did, for the progress line. */
  static final class Totals {
    final AtomicLong creates = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong imports = new AtomicLong();
    final AtomicLong moves = new AtomicLong();
    final AtomicLong removals = new AtomicLong();
    final AtomicLong unplugsRefused = new AtomicLong();

    @Override
    public String toString() {
      return creates + " creates (" + refused + " refused by memory.max), " + imports + " prime imports, "
          + moves + " task moves, " + removals + " rmdirs, " + unplugsRefused + " unplugs refused";
    }
  }

  /** One buffer as the model knows it: the object, its size and the references the test holds. */
  record Buffer(GemObject object, long size, AtomicInteger refs) {}

  /** One world: a fresh hierarchy and device, raced in bursts, then torn down and checked. */
  static final class Round {
    final Variant variant;
    final long seed;
    final String where;
    final Totals totals;
    final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    final Map<GemObject, Buffer> live = new ConcurrentHashMap<>();
    Cgroups cg;
    CgroupFs fs;
    DrmDevice gpu;

    Round(Variant variant, long seed, String where, Totals totals) {
      this.variant = variant;
      this.seed = seed;
      this.where = where;
      this.totals = totals;
    }

    /** Where the creator's task lives and how the mover removes and recreates it. */
    String home() {
      return variant == Variant.NESTED ? "/a/x" : "/a";
    }

    void run() throws Exception {
      Cgroups.Builder b = Cgroups.builder().discover(false);
      for (Controller<?> c : ServiceLoader.load(Controller.class)) {
        if (Set.of("memory", "cpuset").contains(c.name())) {
          b.controller(c);
        }
      }
      cg = b.build();
      try {
        fs = cg.fs();
        fs.write("/cgroup.subtree_control", "+memory +cpuset");
        gpu = new DrmDevice(DrmDriver.of("racegpu", EnumSet.of(DriverFeature.DRIVER_GEM, DriverFeature.DRIVER_CGROUPS),
            Set.of("memory", "cpuset")), new DeviceConfig("gpu.0", "0000:03:00.0",
            List.of(MemoryRegion.system("smem", 1L << 30), MemoryRegion.local("lmem0", 256 * M, 64 << 10)),
            List.of(new EngineSpec("rcs0", "render")), List.of("lmem0", "smem"), List.of()));
        gpu.register(cg.context());
        makeHome("/a", home());
        fs.mkdir("/b");
        fs.mkdir("/c"); // where the creator's task waits while its home is removed (never removed itself)
        Task creator = cg.tasks().spawn("creator", CgroupPath.parse(home()));
        Task importer = cg.tasks().spawn("importer", CgroupPath.parse("/b"));
        Task keeper = cg.tasks().spawn("keeper", CgroupPath.root());
        DrmFile keep = gpu.open(keeper);
        keep.createGem(M); // keeps the device busy: every unplug until teardown must be refused
        DrmFile f = gpu.open(creator);
        DrmFile g = gpu.open(importer);
        Random rnd = new Random(seed);
        Mover creatorMover = new Mover(creator, home(), List.of("/", "/c"), rnd.nextLong());
        Mover importerMover = new Mover(importer, "/b", List.of("/"), rnd.nextLong());
        for (int burst = 0; burst < BURSTS_PER_ROUND && problems.isEmpty(); burst++) {
          race(f, g, creatorMover, importerMover, rnd.nextLong());
          checkAgainstTheModel("after burst " + (burst + 1));
        }
        f.close();
        g.close();
        keep.close();
        live.clear();
        checkTornDown();
      } finally {
        cg.close();
      }
      assertThat(problems).as(where).isEmpty();
    }

    void makeHome(String top, String home) {
      fs.mkdir(top);
      if (!home.equals(top)) {
        fs.write(top + "/cgroup.subtree_control", "+memory +cpuset");
        fs.mkdir(home);
      }
      if (variant == Variant.LIMIT) {
        fs.write(top + "/memory.devices/gpu.0/memory.max", "8M");
      }
    }

    /** One burst: creator, importer, movers and the unplugger race until the time is up. */
    void race(DrmFile f, DrmFile g, Mover creatorMover, Mover importerMover, long burstSeed) throws Exception {
      AtomicBoolean stop = new AtomicBoolean();
      LinkedBlockingQueue<DmaBuf> exported = new LinkedBlockingQueue<>();
      Random r = new Random(burstSeed);
      List<Thread> threads = new ArrayList<>();
      threads.add(worker("creator", stop, new Creator(f, creatorMover, exported, new Random(r.nextLong()))::step));
      threads.add(worker("mover", stop, creatorMover::step));
      if (variant == Variant.PRIME) {
        threads.add(worker("importer", stop, new Importer(g, exported, new Random(r.nextLong()))::step));
        threads.add(worker("importer-mover", stop, importerMover::step));
      }
      threads.add(worker("unplugger", stop, () -> {
        try {
          gpu.unplug();
          problems.add("unplug succeeded while buffers lived");
        } catch (CgroupException e) {
          if (e.errno() != Errno.EBUSY) {
            problems.add("unplug: " + e);
          }
          totals.unplugsRefused.incrementAndGet();
        }
        Thread.sleep(1);
      }));
      Thread.sleep(BURST_MILLIS);
      stop.set(true);
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(60));
        if (t.isAlive()) {
          problems.add(t.getName() + " hangs: " + List.of(t.getStackTrace()));
        }
      }
      // whatever was exported and not imported yet goes back now
      for (DmaBuf buf : exported) {
        buf.close();
        drop(buf.object());
      }
      // the movers leave their task at home, where the next burst expects it
      creatorMover.settle();
      importerMover.settle();
    }

    Thread worker(String name, AtomicBoolean stop, Step step) {
      Thread t = Thread.ofPlatform().name(name).start(() -> {
        try {
          while (!stop.get() && problems.isEmpty()) {
            step.run();
          }
        } catch (Throwable e) {
          problems.add(name + " failed: " + e);
        }
      });
      return t;
    }

    void drop(GemObject o) {
      Buffer b = live.get(o);
      if (b != null && b.refs().decrementAndGet() == 0) {
        live.remove(o);
      }
    }

    /** Moves a task out of its home, removes the home (children first), recreates it, moves the task back. */
    final class Mover {
      final Task task;
      final String home;
      final List<String> elsewhere;
      final Random rnd;
      /** Version {@code v}: the cgroup the task is in from move {@code v} on (0: where it started). */
      final Map<Long, CgroupHandle> history = new ConcurrentHashMap<>();
      final AtomicLong version = new AtomicLong();
      boolean away;

      Mover(Task task, String home, List<String> elsewhere, long seed) {
        this.task = task;
        this.home = home;
        this.elsewhere = elsewhere;
        this.rnd = new Random(seed);
        history.put(0L, handle(home));
      }

      CgroupHandle handle(String path) {
        return cg.context().cgroup(CgroupPath.parse(path));
      }

      void moveTo(String path) {
        history.put(version.get() + 1, handle(path)); // before the move: the task may be there at once
        cg.tasks().move(task.pid(), CgroupPath.parse(path));
        version.incrementAndGet();
        totals.moves.incrementAndGet();
      }

      void step() {
        if (!away) {
          moveTo(elsewhere.get(rnd.nextInt(elsewhere.size())));
          away = true;
          String top = "/" + CgroupPath.parse(home).names().get(0);
          if (!top.equals(home)) {
            fs.rmdir(home);
            totals.removals.incrementAndGet();
          }
          fs.rmdir(top);
          totals.removals.incrementAndGet();
          makeHome(top, home);
        } else {
          moveTo(home);
          away = false;
        }
        if (rnd.nextInt(4) == 0) {
          Thread.yield();
        }
      }

      /** Puts the task back home if the burst ended with it away. */
      void settle() {
        if (away) {
          moveTo(home);
          away = false;
        }
      }

      /** The cgroups the task was in between two reads of {@link #version}. */
      Set<CgroupHandle> between(long from, long to) {
        Set<CgroupHandle> s = new HashSet<>();
        for (long v = from; v <= to + 1; v++) {
          CgroupHandle h = history.get(v);
          if (h != null) {
            s.add(h);
          }
        }
        return s;
      }
    }

    /**
     * The creator's task: creates 1 MiB buffers, exports some, closes them in random order, holding at
     * most {@code held} of its own at once (one at least). With 0 or 1 each buffer is closed right after it
     * was made, as in the reproduction: the task's cgroup is then often empty when it is
     * removed, so it is freed at once, and a charge racing with that has no dying state to land in.
     */
    final class Creator {
      final DrmFile file;
      final Mover mover;
      final LinkedBlockingQueue<DmaBuf> exported;
      final Random rnd;
      final int held;
      final List<Integer> handles = new ArrayList<>();

      Creator(DrmFile file, Mover mover, LinkedBlockingQueue<DmaBuf> exported, Random rnd) {
        this.file = file;
        this.mover = mover;
        this.exported = exported;
        this.rnd = rnd;
        this.held = List.of(0, 0, 1, 16).get(rnd.nextInt(4));
        handles.addAll(file.handles());
      }

      void step() {
        if (handles.isEmpty() || (handles.size() < held && rnd.nextInt(3) != 0)) {
          long before = mover.version.get();
          int h;
          try {
            h = file.createGem(M);
          } catch (CgroupException e) {
            if (variant == Variant.LIMIT && e.errno() == Errno.ENOSPC) {
              totals.refused.incrementAndGet();
              return;
            }
            throw new AssertionError("a live task's create failed: " + e + " [device objects " + gpu.objects().size()
                + ", buffers in the model " + live.size() + ", charged at the root " + current("/") + "]", e);
          }
          long after = mover.version.get();
          totals.creates.incrementAndGet();
          GemObject o = file.object(h);
          Set<CgroupHandle> allowed = mover.between(before, after);
          CgroupHandle charged = o.chargedTo();
          boolean hostMemory = charged == null && o.region().equals("smem") && !o.swapped(); // never charged
          if (!allowed.contains(charged) && !hostMemory) {
            problems.add("a buffer was charged to " + charged + " (online " + (charged != null && charged.online())
                + "), the task was in " + allowed);
          }
          live.put(o, new Buffer(o, o.size(), new AtomicInteger(1)));
          handles.add(h);
          if (variant == Variant.PRIME && exported.size() < 8 && rnd.nextBoolean()) {
            live.get(o).refs().incrementAndGet();
            exported.add(file.exportPrime(h));
          }
        } else if (!handles.isEmpty()) {
          int h = handles.remove(rnd.nextInt(handles.size()));
          GemObject o = file.object(h);
          file.closeHandle(h); // must never fail: the charge goes back to the pool it came from
          drop(o);
        }
      }
    }

    /** The importer's task: imports exported buffers, then closes the dma-bufs and handles in random order. */
    final class Importer {
      final DrmFile file;
      final LinkedBlockingQueue<DmaBuf> exported;
      final Random rnd;
      final List<Integer> handles = new ArrayList<>();

      Importer(DrmFile file, LinkedBlockingQueue<DmaBuf> exported, Random rnd) {
        this.file = file;
        this.exported = exported;
        this.rnd = rnd;
        handles.addAll(file.handles());
      }

      void step() throws InterruptedException {
        DmaBuf buf = exported.poll(1, TimeUnit.MILLISECONDS);
        if (buf != null) {
          GemObject o = buf.object();
          CgroupHandle charged = o.chargedTo();
          int h = file.importPrime(buf);
          if (!handles.contains(h)) {
            live.get(o).refs().incrementAndGet();
            handles.add(h);
          }
          totals.imports.incrementAndGet();
          if (o.chargedTo() != charged) { // nothing is evicted in this variant: a few dozen buffers fit
            problems.add("an import moved the charge of " + o + " from " + charged + " to " + o.chargedTo());
          }
          buf.close();
          drop(o);
        }
        if (!handles.isEmpty() && (handles.size() > 16 || rnd.nextInt(3) == 0)) {
          int h = handles.remove(rnd.nextInt(handles.size()));
          GemObject o = file.object(h);
          file.closeHandle(h);
          drop(o);
        }
      }
    }

    /** Threads stopped: the counters hold exactly what the live buffers are charged with, where. */
    void checkAgainstTheModel(String when) {
      assertThat(Set.copyOf(gpu.objects())).as(where + " " + when + ": the device's objects")
          .containsAll(live.keySet());
      long all = 0;
      for (Buffer b : live.values()) {
        if (b.object().chargedTo() != null) { // a buffer placed in host memory from the start is the host's
          all += b.size();
        }
      }
      // the keeper's buffer is live too, but outside the model
      assertThat(gpu.objects().stream().filter(o -> !live.containsKey(o)).mapToLong(GemObject::size).sum())
          .as(where + " " + when + ": only the keeper's buffer is outside the model").isEqualTo(M);
      long keeper = gpu.objects().stream().filter(o -> !live.containsKey(o) && o.chargedTo() != null)
          .mapToLong(GemObject::size).sum();
      assertThat(current("/")).as(where + " " + when + ": the root holds every live buffer").isEqualTo(all + keeper);
      for (String path : List.of("/a", "/b", "/a/x")) {
        CgroupHandle h;
        try {
          h = cg.context().cgroup(CgroupPath.parse(path));
        } catch (CgroupException e) {
          continue; // not part of this variant
        }
        long expected = 0;
        for (Buffer b : live.values()) {
          CgroupHandle c = b.object().chargedTo();
          if (c != null && c.isDescendantOf(h)) {
            expected += b.size();
          }
        }
        assertThat(current(path)).as(where + " " + when + ": memory.current of " + path).isEqualTo(expected);
      }
      // a removed cgroup still charged must be dying (its state kept, so the charge can go back), as
      // must its removed ancestors; nothing else may be: a charge that landed in a freed state would
      // leave one fewer dying cgroup than charged removed ones
      Set<CgroupHandle> dying = new HashSet<>();
      for (Buffer b : live.values()) {
        for (CgroupHandle c = b.object().chargedTo(); c != null && !c.online(); c = c.parent()) {
          dying.add(c);
        }
      }
      assertThat(Keyed.parseFlat(fs.read("/cgroup.stat")).get("nr_dying_descendants"))
          .as(where + " " + when + ": dying cgroups, the removed ones live buffers are charged to: " + dying)
          .isEqualTo(Integer.toString(dying.size()));
    }

    /** Everything closed: nothing charged anywhere, nothing dying, and the device unplugs. */
    void checkTornDown() {
      assertThat(gpu.objects()).as(where + ": objects after every handle was closed").isEmpty();
      for (String path : List.of("/", "/a", "/b", "/a/x")) {
        try {
          assertThat(current(path)).as(where + ": memory.current of " + path + " after teardown").isZero();
        } catch (CgroupException e) {
          assertThat(e.errno()).isEqualTo(Errno.ENOENT); // not part of this variant
        }
      }
      assertThat(Keyed.parseFlat(fs.read("/cgroup.stat")).get("nr_dying_descendants"))
          .as(where + ": dying cgroups after teardown").isEqualTo("0");
      gpu.unplug(); // EBUSY here would mean a charge was never returned
      assertThat(gpu.registered()).isFalse();
    }

    /** What a cgroup is charged on the device: memory.current plus memory.swap.current (evicted buffers). */
    long current(String path) {
      String dir = path.equals("/") ? "" : path;
      return Long.parseLong(fs.read(dir + "/memory.devices/gpu.0/memory.current").strip())
          + Long.parseLong(fs.read(dir + "/memory.devices/gpu.0/memory.swap.current").strip());
    }
  }

  @FunctionalInterface
  interface Step {
    void run() throws Exception;
  }
}
