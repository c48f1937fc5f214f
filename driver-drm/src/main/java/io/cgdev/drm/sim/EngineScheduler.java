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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The engine scheduler of a simulated device (the kernel's {@code drm_sched}): clients' {@link
 * SchedEntity entities} queue batches per engine class; a free engine takes the client the cpu
 * controller's {@link TimeSharing} picks (round-robin by client id without one, or for clients in no
 * cgroup), among those runnable on it; the batch runs for at most one {@link #TIMESLICE_NANOS slice}
 * of simulated device time on the {@link SimClock}, its time is reported ({@code cpu.stat}, fdinfo)
 * and, if unfinished, it goes back to the head of its queue. Idle gaps (nothing runnable, every
 * group throttled) are skipped. A completed or cancelled batch runs the action it was submitted
 * with.
 *
 * <p>Who is runnable where is decided in one place, {@link #runnableOn}: a client runs on one engine
 * at a time, as the kernel's {@code drm_sched_entity} sits on one run queue, so while one of its
 * batches runs it is runnable on that engine only (and a client with one engine's worth of demand
 * never gets more than one engine's worth of time); it stays runnable there while it runs, as CFS
 * keeps its running task on the run queue, so that its group's virtual clock does not run ahead of
 * it while it runs its last queued batch. Otherwise it is runnable where it has a batch of the
 * engine's class queued and cpuset allows the engine. Between slices a client may move to any
 * engine of the class (drm_sched moves an entity only when its queue is empty; here the cpu
 * controller's per-engine fairness decides, as CFS load balancing moves tasks between CPUs).
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
  /**
   * The engine classes in engine order; a class's index here is {@link Engine#classIndex}. Looked up
   * by a scan, not a map: a device has a handful of classes, and {@code String.equals} on a final
   * class compiles to a direct call where a map's {@code Object.equals} and {@code hashCode} are
   * virtual (a client's backlog is looked up by class at every step of a simulated workload).
   */
  private final String[] classes;
  /** Open clients' entities, in client-id order (round-robin walks them so). */
  private final Set<SchedEntity> entities = new LinkedHashSet<>();
  private final IdentityHashMap<TimeSharing.Client, SchedEntity> byClient = new IdentityHashMap<>();
  /**
   * Bumped whenever the policy reports that some cgroup's engine mask changed: an entity's {@link
   * SchedEntity#allowed} of an older generation is asked again (cpuset's lookup at every runnable check
   * cost more than its answer changes).
   */
  private long maskGeneration;
  /** A mask change was taken from the policy and not yet applied to every entity's runnable marks. */
  private boolean masksToApply;
  /**
   * Entities whose run time grew since {@link #takeRan} was last called, each once, in the order they
   * first ran; null until the first call (a device nobody asks keeps no list). At most one entry per
   * entity, so it stays bounded if the caller stops asking.
   */
  private List<SchedEntity> ran;

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
    List<String> classNames = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      String engineClass = specs.get(i).engineClass();
      if (!classNames.contains(engineClass)) {
        classNames.add(engineClass);
      }
      Engine e = new Engine(i, classNames.indexOf(engineClass), specs.get(i));
      engines.add(e);
    }
    this.classes = classNames.toArray(String[]::new);
  }

  /** The index of a class in {@link #classes}, -1 for a class the device has no engine of. */
  private int classIndex(String engineClass) {
    for (int c = 0; c < classes.length; c++) {
      if (classes[c].equals(engineClass)) {
        return c;
      }
    }
    return -1;
  }

  /** The engine classes, in engine order. No lock needed. */
  public List<String> engineClasses() {
    return List.of(classes);
  }

  /** No lock needed. @throws CgroupException {@code EINVAL} for a class the device has no engine of */
  public void checkEngineClass(String engineClass) {
    knownClass(engineClass);
  }

  /** The index of a class; @throws CgroupException {@code EINVAL} for a class the device has no engine of */
  private int knownClass(String engineClass) {
    int c = classIndex(engineClass);
    if (c < 0) {
      throw CgroupException.of(Errno.EINVAL, "%s: unknown engine class '%s' (classes: %s)", device, engineClass, List.of(classes));
    }
    return c;
  }

  /** Under the device lock: a newly opened client's entity. */
  public SchedEntity open(long clientId) {
    SchedEntity s = new SchedEntity(clientId, engines.size(), classes.length);
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
    int c = knownClass(engineClass);
    bind(s, cgroup);
    s.queues[c].add(new Batch(c, nanos, done));
    updateRunnable(s);
  }

  /**
   * Under the device lock: the client closes (the kernel's {@code drm_sched_entity_fini}). Its
   * running batch stops (its time so far is reported), queued ones are dropped, all finish, and it
   * leaves the cpu controller.
   */
  public void close(SchedEntity s) {
    assert Thread.holdsLock(lock);
    Engine e = s.running;
    if (e != null) {
      account(e, clock.nanoTime());
      Batch b = e.running;
      e.stop();
      b.finish();
    }
    for (ArrayDeque<Batch> q : s.queues) {
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
    s.maskGeneration = -1; // another cgroup, another mask
    if (timeSharing != null && cgroup != null) {
      s.client = timeSharing.open(cgroup, s.label());
      byClient.put(s.client, s);
    }
    updateRunnable(s);
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
    if (s.frozen) {
      return false;
    }
    if (s.maskGeneration != maskGeneration) {
      for (int e = 0; e < s.allowed.length; e++) {
        s.allowed[e] = policy.allowsEngine(s.cgroup, e);
      }
      s.maskGeneration = maskGeneration;
    }
    return s.allowed[engine];
  }

  /**
   * Takes a mask change from the policy, if there is one: the cached masks are asked again from now on,
   * and {@link #run} brings every entity's runnable marks in line before it dispatches. Called before
   * every runnable check made outside {@code run}'s loop too, so each check sees the masks as they are
   * now, as if cpuset were asked each time.
   */
  private void takeMaskChange() {
    if (policy.takeMasksChanged()) {
      maskGeneration++;
      masksToApply = true;
    }
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
          s.queues[b.engineClass].addFirst(b);
        }
      }
    }
    updateRunnable(s);
  }

  /**
   * Whether {@code s} may be picked on {@code e}; the one rule every runnable mark follows (see the
   * class comment): on the engine running one of its batches only, while one runs; else where it
   * has a batch of the engine's class queued and cpuset allows the engine.
   */
  private boolean runnableOn(SchedEntity s, Engine e) {
    if (s.running != null) {
      return s.running == e;
    }
    return !s.queues[e.classIndex].isEmpty() && allowed(s, e.index);
  }

  /** Brings {@code s}'s runnable marks, and its cpu client's, in line with {@link #runnableOn} on every engine. */
  private void updateRunnable(SchedEntity s) {
    takeMaskChange();
    for (Engine e : engines) {
      boolean want = runnableOn(s, e);
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
      takeMaskChange();
      if (masksToApply) {
        masksToApply = false;
        for (SchedEntity s : entities) {
          updateRunnable(s);
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
          // the engine that was freed picks first: the cpu controller then lets the client it ran
          // go to other engines (TimeSharing.pickNext) before they pick
          dispatch(e, next);
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
    if (b.remaining <= 0) {
      b.finish();
    } else {
      s.queues[b.engineClass].addFirst(b);
    }
    updateRunnable(s);
  }

  private void dispatch(Engine e, long now) {
    for (int tries = 0; tries <= entities.size(); tries++) {
      SchedEntity s = pick(e);
      if (s == null) {
        return;
      }
      if (!runnableOn(s, e)) {
        updateRunnable(s); // out of step: fix and pick again
        if (s.client != null && s.runnable[e.index]) {
          return;
        }
        continue;
      }
      Batch b = s.queues[e.classIndex].pollFirst();
      e.start(s, b);
      e.accountedUntil = now;
      e.sliceEnd = now + Math.min(TIMESLICE_NANOS, b.remaining);
      updateRunnable(s);
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
      if (byClient.size() == entities.size()) {
        return null; // every entity has a cpu client: no one is left for round-robin, and no need to walk them all
      }
    }
    SchedEntity first = null;
    for (SchedEntity s : entities) {
      if ((s.client != null && timeSharing != null) || !runnableOn(s, e)) {
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
    // one writer (under the device lock): a release store, not an atomic add, keeps the hot path plain
    s.runtimeByClass.setRelease(e.classIndex, s.runtimeByClass.getPlain(e.classIndex) + delta);
    if (ran != null && !s.ranListed) {
      s.ranListed = true;
      ran.add(s);
    }
    if (s.client != null) {
      s.client.ran(e.index, delta);
    }
  }

  /**
   * Under the device lock: hands {@code each} the entities whose run time ({@link #runtime}) grew since
   * the last call, each once, in the order they first ran (closed ones included); the first call starts
   * the recording and hands over nothing. For a caller that steps its clients only when something
   * changed for them (the simulator's event-stepped streams): a client's run time changes nowhere else.
   */
  public void takeRan(Consumer<SchedEntity> each) {
    assert Thread.holdsLock(lock);
    if (ran == null) {
      ran = new ArrayList<>();
      return;
    }
    for (SchedEntity s : ran) {
      s.ranListed = false;
      each.accept(s);
    }
    ran.clear();
  }

  /**
   * Nanoseconds {@code s} ran on the engines of a class (0 for an unknown class). No lock needed: a
   * value the counter had at some instant during the call (it only grows).
   */
  public long runtime(SchedEntity s, String engineClass) {
    int c = classIndex(engineClass);
    return c < 0 ? 0 : s.runtimeByClass.getAcquire(c);
  }

  /**
   * A reader of {@code s}'s run time on the engines of a class, the class looked up once: for a caller
   * that reads it far more often than it grows (a simulated workload's backlog, at every step). No lock
   * needed, as for {@link #runtime}.
   *
   * @throws CgroupException {@code EINVAL} for a class the device has no engine of
   */
  public LongSupplier runtimeReader(SchedEntity s, String engineClass) {
    int c = knownClass(engineClass);
    AtomicLongArray byClass = s.runtimeByClass;
    return () -> byClass.getAcquire(c);
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
    int c = classIndex(engineClass);
    int n = 0;
    for (Engine e : engines) {
      if (e.classIndex == c) {
        n++;
      }
    }
    return n;
  }
}
