package io.cgdev.drm.sim;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.TimeSharing;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine scheduler of a simulated device (the kernel's {@code drm_sched}): clients' {@link
 * SchedEntity entities} queue batches per engine class; a free engine takes the client the cpu
 * controller's {@link TimeSharing} picks (round-robin by client id without one, or for clients in no
 * cgroup), among those runnable on it, which cpuset decides; the batch runs for at most one {@link
 * #TIMESLICE_NANOS slice} of simulated device time on the {@link SimClock}, its time is reported
 * ({@code cpu.stat}, fdinfo) and, if unfinished, it goes back to the head of its queue. Idle gaps
 * (nothing runnable, every group throttled) are skipped. A completed or cancelled batch runs the
 * action it was submitted with.
 *
 * <p>The cgroup side is reached only through the {@link EnginePolicy} port; the scheduler knows no
 * device, file or buffer.
 *
 * <p>Lock: the device's lock, given at construction; every method but {@link #checkEngineClass},
 * {@link #engineClasses} and {@link #engineCount} (which read only the engines, fixed at
 * construction) expects the caller to hold it. {@link TimeSharing} and {@link
 * io.cgdev.api.spi.EngineMask} are called under it; they take no lock the device waits for. A cpuset
 * change arrives as a flag ({@link EnginePolicy#takeMasksChanged}) that {@link #run} reads, not as a
 * call under the lock.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class EngineScheduler {
  /** The scheduler's timeslice: a running batch is preempted after it. */
  public static final long TIMESLICE_NANOS = 1_000_000;

  private final Object lock;
  private final String device;
  private final SimClock clock;
  private final EnginePolicy policy;
  private final List<Engine> engines = new ArrayList<>();
  private final Map<String, List<Engine>> enginesByClass = new LinkedHashMap<>();
  /** Open clients' entities, in client-id order (round-robin walks them so). */
  private final Set<SchedEntity> entities = new LinkedHashSet<>();
  private final IdentityHashMap<TimeSharing.Client, SchedEntity> byClient = new IdentityHashMap<>();

  /**
   * A scheduler over {@code specs}, whose index is the engine number cpuset and {@link TimeSharing}
   * use.
   *
   * @param lock the device lock the callers hold
   * @param device the device name, for messages
   */
  public EngineScheduler(Object lock, String device, List<EngineSpec> specs, SimClock clock, EnginePolicy policy) {
    this.lock = lock;
    this.device = device;
    this.clock = clock;
    this.policy = policy;
    for (int i = 0; i < specs.size(); i++) {
      Engine e = new Engine(i, specs.get(i));
      engines.add(e);
      enginesByClass.computeIfAbsent(e.engineClass(), c -> new ArrayList<>()).add(e);
    }
  }

  /** The engine classes, in engine order. No lock needed. */
  public List<String> engineClasses() {
    return List.copyOf(enginesByClass.keySet());
  }

  /** No lock needed. @throws CgroupException {@code EINVAL} for a class the device has no engine of */
  public void checkEngineClass(String engineClass) {
    if (!enginesByClass.containsKey(engineClass)) {
      throw CgroupException.of(Errno.EINVAL, "%s: unknown engine class '%s' (classes: %s)", device, engineClass, enginesByClass.keySet());
    }
  }

  /** Under the device lock: a newly opened client's entity. */
  public SchedEntity open(long clientId) {
    SchedEntity s = new SchedEntity(clientId, engines.size());
    entities.add(s);
    return s;
  }

  /**
   * Under the device lock: queues a batch of {@code nanos} on {@code engineClass} for {@code s},
   * whose task is in {@code cgroup} now (null: none). {@code done} runs, under the device lock, once
   * the batch completed or was cancelled.
   */
  public void submit(SchedEntity s, CgroupHandle cgroup, String engineClass, long nanos, Runnable done) {
    assert Thread.holdsLock(lock);
    bind(s, cgroup);
    s.queues.computeIfAbsent(engineClass, c -> new ArrayDeque<>()).add(new Batch(engineClass, nanos, done));
    updateRunnable(s, engineClass);
  }

  /**
   * Under the device lock: the client closes (the kernel's {@code drm_sched_entity_fini}). Its
   * running batches stop (their time so far is reported), queued ones are dropped, both finish,
   * and it leaves the cpu controller.
   */
  public void close(SchedEntity s) {
    assert Thread.holdsLock(lock);
    for (Engine e : engines) {
      if (e.runningFor == s) {
        account(e, clock.nanoTime());
        Batch b = e.running;
        e.stop();
        b.finish();
      }
    }
    for (ArrayDeque<Batch> q : s.queues.values()) {
      for (Batch b : q) {
        b.finish();
      }
      q.clear();
    }
    leave(s);
    entities.remove(s);
  }

  /** Opens (or reopens, after the task moved) the entity's cpu-controller client in its cgroup. */
  private void bind(SchedEntity s, CgroupHandle cgroup) {
    TimeSharing timeSharing = policy.timeSharing();
    if (s.cgroup == cgroup && (s.client != null || timeSharing == null)) {
      return;
    }
    leave(s);
    s.cgroup = cgroup;
    if (timeSharing != null && cgroup != null) {
      s.client = timeSharing.open(cgroup, s.label());
      byClient.put(s.client, s);
    }
    for (String c : s.queues.keySet()) {
      updateRunnable(s, c);
    }
  }

  private void leave(SchedEntity s) {
    if (s.client != null) {
      byClient.remove(s.client);
      s.client.close();
      s.client = null;
    }
    Arrays.fill(s.runnable, false);
  }

  private boolean allowed(SchedEntity s, int engine) {
    return !s.frozen && policy.allowsEngine(s.cgroup, engine);
  }

  /**
   * Under the device lock: the client's task froze (or thawed). A frozen client is never runnable:
   * its running batches stop now (their time so far is reported) and go back to the head of their
   * queues, and its queued batches wait; a thawed one competes again.
   */
  public void freeze(SchedEntity s, boolean frozen) {
    assert Thread.holdsLock(lock);
    if (s.frozen == frozen) {
      return;
    }
    s.frozen = frozen;
    if (frozen) {
      long now = clock.nanoTime();
      for (Engine e : engines) {
        if (e.runningFor == s) {
          account(e, now);
          Batch b = e.running;
          e.stop();
          s.queues.get(b.engineClass).addFirst(b);
        }
      }
    }
    for (String c : s.queues.keySet()) {
      updateRunnable(s, c);
    }
  }

  /** Marks {@code s} runnable on exactly the engines of the class it has work for and may use. */
  private void updateRunnable(SchedEntity s, String engineClass) {
    ArrayDeque<Batch> q = s.queues.get(engineClass);
    boolean work = q != null && !q.isEmpty();
    for (Engine e : enginesByClass.get(engineClass)) {
      boolean want = work && allowed(s, e.index);
      if (s.runnable[e.index] != want) {
        s.runnable[e.index] = want;
        if (s.client != null) {
          s.client.setRunnable(e.index, want);
        }
      }
    }
  }

  /**
   * Under the device lock: advances device time by {@code nanos}, dispatching to free engines,
   * ending slices at their boundary and skipping idle gaps.
   */
  public void run(long nanos) {
    assert Thread.holdsLock(lock);
    long end = clock.nanoTime() + nanos;
    while (true) {
      if (policy.takeMasksChanged()) {
        for (SchedEntity s : entities) {
          for (String c : s.queues.keySet()) {
            updateRunnable(s, c);
          }
        }
      }
      long now = clock.nanoTime();
      for (Engine e : engines) {
        if (e.running == null) {
          dispatch(e, now);
        }
      }
      long next = Long.MAX_VALUE;
      for (Engine e : engines) {
        if (e.running != null) {
          next = Math.min(next, e.sliceEnd);
        }
      }
      if (next == Long.MAX_VALUE) {
        TimeSharing timeSharing = policy.timeSharing();
        long wake = timeSharing == null ? Long.MAX_VALUE : timeSharing.nextUnthrottle();
        if (wake > now && wake < end) {
          clock.advanceTo(wake);
          continue;
        }
        clock.advanceTo(end);
        return;
      }
      if (next > end) {
        for (Engine e : engines) {
          if (e.running != null) {
            account(e, end);
          }
        }
        clock.advanceTo(end);
        return;
      }
      clock.advanceTo(next);
      for (Engine e : engines) {
        if (e.running != null && e.sliceEnd == next) {
          endSlice(e, next);
        }
      }
    }
  }

  /** The slice on {@code e} ends at {@code at}: the batch completes, or is preempted to the head of its queue. */
  private void endSlice(Engine e, long at) {
    account(e, at);
    Batch b = e.running;
    SchedEntity s = e.runningFor;
    e.stop();
    ArrayDeque<Batch> q = s.queues.get(b.engineClass);
    if (b.remaining <= 0) {
      b.finish();
    } else {
      q.addFirst(b);
    }
    updateRunnable(s, b.engineClass);
  }

  private void dispatch(Engine e, long now) {
    String cls = e.engineClass();
    for (int tries = 0; tries <= entities.size(); tries++) {
      SchedEntity s = pick(e);
      if (s == null) {
        return;
      }
      ArrayDeque<Batch> q = s.queues.get(cls);
      if (q == null || q.isEmpty() || !allowed(s, e.index)) {
        updateRunnable(s, cls); // out of step: fix and pick again
        if (s.client != null && s.runnable[e.index]) {
          return;
        }
        continue;
      }
      Batch b = q.pollFirst();
      e.start(s, b);
      e.accountedUntil = now;
      e.sliceEnd = now + Math.min(TIMESLICE_NANOS, b.remaining);
      updateRunnable(s, cls);
      return;
    }
  }

  private SchedEntity pick(Engine e) {
    TimeSharing timeSharing = policy.timeSharing();
    if (timeSharing != null) {
      TimeSharing.Client c = timeSharing.pickNext(e.index);
      if (c != null) {
        SchedEntity s = byClient.get(c);
        if (s != null) {
          return s;
        }
      }
      // clients without a scheduling entity (no cgroup) fall through to round-robin
    }
    String cls = e.engineClass();
    SchedEntity first = null;
    for (SchedEntity s : entities) {
      if (s.client != null && timeSharing != null) {
        continue;
      }
      ArrayDeque<Batch> q = s.queues.get(cls);
      if (q == null || q.isEmpty() || !allowed(s, e.index)) {
        continue;
      }
      if (first == null) {
        first = s;
      }
      if (s.clientId > e.rrLast) {
        e.rrLast = s.clientId;
        return s;
      }
    }
    if (first != null) {
      e.rrLast = first.clientId;
    }
    return first;
  }

  /** Reports the time the running batch of {@code e} ran since the last report. */
  private void account(Engine e, long until) {
    long delta = until - e.accountedUntil;
    if (delta <= 0) {
      return;
    }
    SchedEntity s = e.runningFor;
    e.accountedUntil = until;
    e.running.remaining -= delta;
    s.runtime[e.index] += delta;
    if (s.client != null) {
      s.client.ran(e.index, delta);
    }
  }

  /** Under the device lock: nanoseconds {@code s} ran on the engines of a class (0 for an unknown class). */
  public long runtime(SchedEntity s, String engineClass) {
    long sum = 0;
    for (Engine e : enginesByClass.getOrDefault(engineClass, List.of())) {
      sum += s.runtime[e.index];
    }
    return sum;
  }

  /** Under the device lock: nanoseconds {@code s} ran on the named engine (0 for an unknown engine). */
  public long runtimeOn(SchedEntity s, String engine) {
    for (Engine e : engines) {
      if (e.spec.name().equals(engine)) {
        return s.runtime[e.index];
      }
    }
    return 0;
  }

  /** The number of engines of a class (fdinfo's {@code drm-engine-capacity}). No lock needed. */
  public int engineCount(String engineClass) {
    return enginesByClass.getOrDefault(engineClass, List.of()).size();
  }
}
