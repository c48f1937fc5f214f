package io.cgdev.bench.memory;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.controller.memory.MemoryController;
import io.cgdev.core.Cgroups;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Charge + uncharge of one page through {@link MemoryCharging} (the memory controller booted in the
 * core, limits set on every level; the charge returned through its pool, or by cgroup), at depth 1, 4
 * and 8, against three baselines with the same shape
 * (a shared chain of ancestors, one leaf per thread): a bare chain of {@link AtomicLong} adds, one
 * {@link Semaphore} per level, and a synchronized counter per level. Run with {@code -t 1} and {@code
 * -t 2}; with two threads each charges its own sibling leaf. {@code privateAtomic} (an add and a
 * subtract on a counter of the thread's own) shares nothing: its {@code -t 2}/{@code -t 1} ratio is
 * how far the machine itself let two threads scale during the run (on a loaded machine, well below
 * 2).
 *
 * <pre>java -Djmh.ignoreLock=true -jar bench/target-memperf/benchmarks.jar ChargeBench -f 1 -wi 5 -w 200ms -i 20 -r 200ms -t 1</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ChargeBench {
  static final long PAGE = 4096;
  static final int MAX_THREADS = 8;

  /** The hierarchy and the baselines' counters, shared by all threads. */
  @State(Scope.Benchmark)
  public static class Tree {
    @Param({"1", "4", "8"})
    public int depth;

    Cgroups cgroups;
    MemoryCharging memory;
    CgroupHandle[] leaves;
    // baselines: levels[0] is the root; the last level is the per-thread leaf
    AtomicLong[][] atomics;
    Semaphore[][] semaphores;
    SyncCounter[][] syncs;
    final AtomicInteger nextThread = new AtomicInteger();

    @Setup(Level.Trial)
    public void boot() {
      cgroups = Cgroups.builder().discover(false).controller(new MemoryController()).build();
      DeviceRegistration dev = cgroups.register(DeviceSpec.builder("bench0", "bench").controllers("memory")
          .region(new RegionSpec("local0", 1L << 40)).build());
      memory = dev.capability(MemoryCharging.class).orElseThrow();
      CgroupFs fs = cgroups.fs();
      String parent = "";
      for (int level = 1; level < depth; level++) {
        fs.write((parent.isEmpty() ? "" : parent) + "/cgroup.subtree_control", "+memory");
        parent = parent + "/l" + level;
        fs.mkdir(parent);
        fs.write(parent + "/memory.devices/bench0/memory.max", "1T");
      }
      fs.write((parent.isEmpty() ? "" : parent) + "/cgroup.subtree_control", "+memory");
      leaves = new CgroupHandle[MAX_THREADS];
      for (int t = 0; t < MAX_THREADS; t++) {
        String leaf = parent + "/t" + t;
        fs.mkdir(leaf);
        fs.write(leaf + "/memory.devices/bench0/memory.max", "1T");
        leaves[t] = cgroups.context().cgroup(CgroupPath.parse(leaf));
      }
      atomics = new AtomicLong[MAX_THREADS][];
      semaphores = new Semaphore[MAX_THREADS][];
      syncs = new SyncCounter[MAX_THREADS][];
      AtomicLong[] sharedA = new AtomicLong[depth];
      Semaphore[] sharedS = new Semaphore[depth];
      SyncCounter[] sharedC = new SyncCounter[depth];
      for (int i = 0; i < depth; i++) {
        sharedA[i] = new AtomicLong();
        sharedS[i] = new Semaphore(Integer.MAX_VALUE);
        sharedC[i] = new SyncCounter(Long.MAX_VALUE / 2);
      }
      for (int t = 0; t < MAX_THREADS; t++) {
        atomics[t] = chain(sharedA, new AtomicLong());
        semaphores[t] = chain(sharedS, new Semaphore(Integer.MAX_VALUE));
        syncs[t] = chain(sharedC, new SyncCounter(Long.MAX_VALUE / 2));
      }
    }

    private static <T> T[] chain(T[] shared, T leaf) {
      T[] c = java.util.Arrays.copyOf(shared, shared.length + 1);
      c[shared.length] = leaf;
      return c;
    }

    @TearDown(Level.Trial)
    public void close() {
      cgroups.close();
    }
  }

  /** Which leaf a benchmark thread uses: its own sibling. */
  @State(Scope.Thread)
  public static class Me {
    final AtomicLong own = new AtomicLong();
    CgroupHandle leaf;
    AtomicLong[] atomics;
    Semaphore[] semaphores;
    SyncCounter[] syncs;

    @Setup(Level.Trial)
    public void pick(Tree tree) {
      int t = tree.nextThread.getAndIncrement() % MAX_THREADS;
      leaf = tree.leaves[t];
      atomics = tree.atomics[t];
      semaphores = tree.semaphores[t];
      syncs = tree.syncs[t];
    }
  }

  /** A counter with a limit, guarded by its monitor. */
  static final class SyncCounter {
    private final long max;
    private long usage;

    SyncCounter(long max) {
      this.max = max;
    }

    synchronized boolean tryAdd(long n) {
      if (usage + n > max) {
        return false;
      }
      usage += n;
      return true;
    }

    synchronized void sub(long n) {
      usage -= n;
    }
  }

  /** The driver's path: the charge's pool is kept and the charge returned through it. */
  @Benchmark
  public void memoryCharging(Tree tree, Me me) {
    MemoryCharging.Pool pool = tree.memory.charge(me.leaf, 0, PAGE);
    tree.memory.uncharge(pool, PAGE);
  }

  /** The same, returning the charge by cgroup (a state lookup on the way back). */
  @Benchmark
  public void memoryChargingByCgroup(Tree tree, Me me) {
    tree.memory.charge(me.leaf, 0, PAGE);
    tree.memory.uncharge(me.leaf, 0, PAGE);
  }

  @Benchmark
  public long privateAtomic(Me me) {
    long s = me.own.addAndGet(PAGE);
    me.own.addAndGet(-PAGE);
    return s;
  }

  @Benchmark
  public long atomicChain(Me me) {
    AtomicLong[] c = me.atomics;
    long s = 0;
    for (int i = c.length - 1; i >= 0; i--) {
      s += c[i].addAndGet(PAGE);
    }
    for (int i = c.length - 1; i >= 0; i--) {
      c[i].addAndGet(-PAGE);
    }
    return s;
  }

  @Benchmark
  public boolean semaphoreChain(Me me) {
    Semaphore[] c = me.semaphores;
    boolean ok = true;
    for (int i = c.length - 1; i >= 0; i--) {
      ok &= c[i].tryAcquire(1);
    }
    for (int i = c.length - 1; i >= 0; i--) {
      c[i].release(1);
    }
    return ok;
  }

  @Benchmark
  public boolean synchronizedChain(Me me) {
    SyncCounter[] c = me.syncs;
    boolean ok = true;
    for (int i = c.length - 1; i >= 0; i--) {
      ok &= c[i].tryAdd(PAGE);
    }
    for (int i = c.length - 1; i >= 0; i--) {
      c[i].sub(PAGE);
    }
    return ok;
  }
}
