package io.cgdev.drm.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.StateKey;
import io.cgdev.api.spi.TimeSharing;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scheduler on its own, without a device or a cpu controller: slices, round-robin, completion,
 * cancellation. A batch's end is seen through the action it was submitted with.
 */
class EngineSchedulerTest {
  static final long SLICE = EngineScheduler.TIMESLICE_NANOS;
  final Object lock = new Object();
  final SimClock clock = new SimClock();
  final EngineScheduler s = new EngineScheduler(lock, "gpu.0",
      List.of(new EngineSpec("rcs0", "render"), new EngineSpec("vcs0", "video"), new EngineSpec("vcs1", "video")),
      clock, EnginePolicy.ROUND_ROBIN);
  final List<String> ended = new ArrayList<>();
  private long nextClient = 1;

  /** A cgroup to open clients of {@link RecordingTimeSharing} in; nothing reads its states. */
  static final CgroupHandle ROOT = new CgroupHandle() {
    @Override
    public CgroupPath path() {
      return CgroupPath.root();
    }

    @Override
    public int id() {
      return 1;
    }

    @Override
    public CgroupHandle parent() {
      return null;
    }

    @Override
    public int level() {
      return 0;
    }

    @Override
    public boolean online() {
      return true;
    }

    @Override
    public <S extends DeviceState> S state(StateKey<S> key) {
      throw new UnsupportedOperationException();
    }
  };

  /**
   * A {@link TimeSharing} that keeps what the scheduler tells it: per client and engine whether it
   * is runnable and how long it ran; it picks, on an engine, the runnable client that ran least.
   */
  static final class RecordingTimeSharing implements TimeSharing {
    final List<FakeClient> clients = new ArrayList<>();

    EnginePolicy policy() {
      return EnginePolicy.everyEngine(this);
    }

    @Override
    public Client open(CgroupHandle cgroup, String label) {
      FakeClient c = new FakeClient(cgroup, label);
      clients.add(c);
      return c;
    }

    @Override
    public Client pickNext(int engine) {
      FakeClient best = null;
      for (FakeClient c : clients) {
        if (!c.closed && c.runnable[engine] && (best == null || c.total() < best.total())) {
          best = c;
        }
      }
      return best;
    }

    @Override
    public long nextUnthrottle() {
      return Long.MAX_VALUE;
    }

    static final class FakeClient implements Client {
      final CgroupHandle cgroup;
      final String label;
      final boolean[] runnable = new boolean[8];
      final long[] ran = new long[8];
      boolean closed;

      FakeClient(CgroupHandle cgroup, String label) {
        this.cgroup = cgroup;
        this.label = label;
      }

      long total() {
        long t = 0;
        for (long x : ran) {
          t += x;
        }
        return t;
      }

      @Override
      public CgroupHandle cgroup() {
        return cgroup;
      }

      @Override
      public String label() {
        return label;
      }

      @Override
      public void setRunnable(int engine, boolean on) {
        runnable[engine] = on;
      }

      @Override
      public void ran(int engine, long nanos) {
        ran[engine] += nanos;
      }

      @Override
      public long runtime(int engine) {
        return ran[engine];
      }

      @Override
      public void close() {
        closed = true;
      }
    }
  }

  SchedEntity client() {
    synchronized (lock) {
      return s.open(nextClient++);
    }
  }

  void submit(SchedEntity e, String cls, long nanos, String name) {
    synchronized (lock) {
      s.submit(e, null, cls, nanos, () -> ended.add(name));
    }
  }

  void run(long nanos) {
    synchronized (lock) {
      s.run(nanos);
    }
  }

  long runtime(SchedEntity e, String cls) {
    synchronized (lock) {
      return s.runtime(e, cls);
    }
  }

  @Test
  void clientsSharingAnEngineAlternateSliceBySlice() {
    SchedEntity a = client();
    SchedEntity b = client();
    submit(a, "render", 3 * SLICE, "a");
    submit(b, "render", 3 * SLICE, "b");
    run(SLICE);
    assertThat(runtime(a, "render")).isEqualTo(SLICE);
    assertThat(runtime(b, "render")).isZero();
    run(SLICE);
    assertThat(runtime(b, "render")).isEqualTo(SLICE);
    run(SLICE / 2); // a mid-slice stop reports the time so far
    assertThat(runtime(a, "render")).isEqualTo(SLICE + SLICE / 2);
    run(10 * SLICE);
    assertThat(runtime(a, "render")).isEqualTo(3 * SLICE);
    assertThat(runtime(b, "render")).isEqualTo(3 * SLICE);
    assertThat(ended).containsExactly("a", "b");
    assertThat(clock.nanoTime()).as("idle time is skipped to the end").isEqualTo(12 * SLICE + SLICE / 2);
  }

  @Test
  void aClassWithSeveralEnginesRunsClientsInParallelAndCountsPerEngine() {
    SchedEntity a = client();
    SchedEntity b = client();
    submit(a, "video", 2 * SLICE, "a");
    submit(b, "video", 2 * SLICE, "b");
    run(2 * SLICE);
    synchronized (lock) {
      assertThat(s.runtimeOn(a, "vcs0") + s.runtimeOn(b, "vcs0")).isEqualTo(2 * SLICE);
      assertThat(s.runtimeOn(a, "vcs1") + s.runtimeOn(b, "vcs1")).isEqualTo(2 * SLICE);
      assertThat(s.runtimeOn(a, "rcs0")).isZero();
      assertThat(s.runtimeOn(a, "ccs9")).isZero();
    }
    assertThat(runtime(a, "video")).isEqualTo(2 * SLICE);
    assertThat(runtime(b, "video")).isEqualTo(2 * SLICE);
    assertThat(runtime(a, "blit")).isZero();
    assertThat(s.engineCount("video")).isEqualTo(2);
    assertThat(ended).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aClientRunsOnOneEngineAtATimeThoughItHasWorkForTwo() {
    SchedEntity a = client();
    submit(a, "video", 2 * SLICE, "first");
    submit(a, "video", 2 * SLICE, "second");
    run(2 * SLICE);
    assertThat(runtime(a, "video")).as("one engine's worth, not two").isEqualTo(2 * SLICE);
    assertThat(ended).containsExactly("first");
    run(2 * SLICE);
    assertThat(runtime(a, "video")).isEqualTo(4 * SLICE);
    assertThat(ended).containsExactly("first", "second");
  }

  @Test
  void aClientWithWorkOnTwoClassesRunsThemOneAfterTheOther() {
    SchedEntity a = client();
    submit(a, "render", SLICE, "render");
    submit(a, "video", SLICE, "video");
    run(SLICE);
    assertThat(runtime(a, "render") + runtime(a, "video")).isEqualTo(SLICE);
    assertThat(ended).hasSize(1);
    run(SLICE);
    assertThat(ended).containsExactlyInAnyOrder("render", "video");
  }

  @Test
  void theRunningClientIsRunnableOnItsEngineOnlyAndStaysSoUntilItsBatchEnds() {
    RecordingTimeSharing ts = new RecordingTimeSharing();
    EngineScheduler sched = new EngineScheduler(lock, "gpu.0",
        List.of(new EngineSpec("vcs0", "video"), new EngineSpec("vcs1", "video")), clock, ts.policy());
    synchronized (lock) {
      SchedEntity a = sched.open(1);
      sched.submit(a, ROOT, "video", 2 * SLICE, () -> ended.add("last"));
      sched.run(SLICE / 2);
      // its only batch runs on one engine: runnable there (CFS keeps the running task queued), not on the other
      RecordingTimeSharing.FakeClient c = ts.clients.getFirst();
      assertThat(c.runnable[0] ^ c.runnable[1]).isTrue();
      sched.run(2 * SLICE);
      assertThat(ended).containsExactly("last");
      assertThat(c.runnable[0] || c.runnable[1]).isFalse();
      assertThat(c.ran[0] + c.ran[1]).isEqualTo(2 * SLICE);
    }
  }

  /**
   * A client never gets more time than passed since it first submitted, whatever the classes,
   * engines and batch lengths (a load of one engine's worth gets at most one engine's worth), and
   * every batch submitted runs to its end. Round-robin and a {@link io.cgdev.api.spi.TimeSharing}
   * alike; seeded, the seed is named on failure.
   */
  @Test
  void noClientEverRunsLongerThanTheTimeThatPassed() {
    for (long seed = 1; seed <= 200; seed++) {
      try {
        randomRun(seed, seed % 2 == 0);
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
      }
    }
  }

  private void randomRun(long seed, boolean withTimeSharing) {
    Random r = new Random(seed);
    SimClock c = new SimClock();
    RecordingTimeSharing ts = new RecordingTimeSharing();
    EngineScheduler sched = new EngineScheduler(lock, "gpu.0", List.of(new EngineSpec("rcs0", "render"),
        new EngineSpec("ccs0", "compute"), new EngineSpec("ccs1", "compute"), new EngineSpec("ccs2", "compute")),
        c, withTimeSharing ? ts.policy() : EnginePolicy.ROUND_ROBIN);
    String[] classes = {"render", "compute"};
    synchronized (lock) {
      int n = 1 + r.nextInt(5);
      SchedEntity[] clients = new SchedEntity[n];
      long[] since = new long[n];
      for (int i = 0; i < n; i++) {
        clients[i] = sched.open(i + 1);
        since[i] = -1;
      }
      long submitted = 0;
      for (int step = 0; step < 200; step++) {
        int i = r.nextInt(n);
        if (r.nextInt(3) > 0) {
          if (since[i] < 0) {
            since[i] = c.nanoTime();
          }
          long nanos = 1 + r.nextInt((int) (3 * SLICE));
          submitted += nanos;
          sched.submit(clients[i], withTimeSharing ? ROOT : null, classes[r.nextInt(2)], nanos, () -> {});
        }
        sched.run(1 + r.nextInt((int) (2 * SLICE)));
        for (int k = 0; k < n; k++) {
          long ran = sched.runtime(clients[k], "render") + sched.runtime(clients[k], "compute");
          assertThat(ran).as("client %d ran %d ns in %d ns", k, ran, c.nanoTime() - since[k])
              .isLessThanOrEqualTo(since[k] < 0 ? 0 : c.nanoTime() - since[k]);
        }
      }
      sched.run(1000 * SLICE);
      long total = 0;
      for (SchedEntity e : clients) {
        total += sched.runtime(e, "render") + sched.runtime(e, "compute");
      }
      assertThat(total).as("all submitted work ran").isEqualTo(submitted);
    }
  }
  @Test
  void aBatchEndsOnlyOnceItRanItsWholeDuration() {
    SchedEntity a = client();
    submit(a, "render", 2 * SLICE, "a");
    run(SLICE);
    assertThat(ended).isEmpty();
    run(SLICE);
    assertThat(ended).containsExactly("a");
  }

  @Test
  void closingCancelsRunningAndQueuedBatchesAndEndsThem() {
    SchedEntity a = client();
    SchedEntity b = client();
    submit(a, "render", 5 * SLICE, "running");
    submit(a, "render", 5 * SLICE, "queued");
    run(SLICE / 2);
    submit(b, "render", SLICE, "b");
    synchronized (lock) {
      s.close(a);
    }
    assertThat(ended).containsExactly("running", "queued");
    assertThat(runtime(a, "render")).isEqualTo(SLICE / 2);
    run(10 * SLICE);
    assertThat(runtime(a, "render")).isEqualTo(SLICE / 2);
    assertThat(runtime(b, "render")).isEqualTo(SLICE);
  }

  @Test
  void anUnknownClassIsRefusedNamingTheClasses() {
    assertThat(s.engineClasses()).containsExactly("render", "video");
    assertThatThrownBy(() -> s.checkEngineClass("blit"))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
        .hasMessage("gpu.0: unknown engine class 'blit' (classes: [render, video])");
  }

  @Test
  void runExpectsTheDeviceLock() {
    assertThatThrownBy(() -> s.run(SLICE)).isInstanceOf(AssertionError.class);
  }
}
