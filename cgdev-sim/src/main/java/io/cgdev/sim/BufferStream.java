package io.cgdev.sim;

import io.cgdev.api.CgroupException;
import io.cgdev.sim.scenario.Scenario.Tenant;
import io.cgdev.sim.scenario.Scenario.Workload;

/**
 * The memory side of one stream of a workload, whatever hands out its buffers ({@code B}): fill up
 * to the working set, one buffer per step (after a refusal, wait {@link #RETRY_NANOS}), then churn
 * at the workload's rate, oldest buffer freed first. {@link DrmStream} adds device time; {@link
 * PluginStream} runs on plugin devices. Each stream counts its own events (allocations, frees,
 * submissions). Driven by {@link Workloads} on one thread.
 *
 * <p>A stream whose task is frozen ({@code cgroup.freeze}) does nothing: a frozen process neither
 * allocates nor submits (what it queued before waits on the device). A stream whose task was killed
 * ({@code cgroup.kill}) stops for good: its buffers went with its task ({@link #died}).
 *
 * @param <B> what identifies a buffer
 */
abstract class BufferStream<B> {
  /** After a refused allocation a workload waits this long before it tries to fill up again. */
  static final long RETRY_NANOS = 50_000_000L;
  /** {@link #quietUntil}: nothing to do until something happens to the stream (it ran, a write came). */
  static final long UNTIL_WOKEN = Long.MAX_VALUE;
  /** Churn credit is looked ahead at most this many steps at a time (a stream then wakes and looks again). */
  private static final int CREDIT_LOOKAHEAD = 1 << 16;

  final Workload w;
  final Tenant tenant;
  final TenantStats stats;
  final BufferRing<B> buffers = new BufferRing<>();
  long events;
  /** Whether the stream's task is frozen now (set by {@link Workloads#refreshFrozen}). */
  boolean frozen;
  private boolean dead;
  private double allocCredit;
  private long backoff;
  // the workload's figures read at every step, kept beside the counters they update (one object's
  // fields rather than two objects' per stream and step: 200 streams, each stepped whenever it is due)
  private final long startNanos;
  private final long stopNanos;
  private final long bufferBytes;
  private final int wantedBuffers;
  private final double allocPerSecond;
  /** Whether the last {@link #advance} stepped the stream ({@link #step}): active, neither frozen nor dead. */
  private boolean stepped;

  BufferStream(Workload w, Tenant tenant, TenantStats stats) {
    this.w = w;
    this.tenant = tenant;
    this.stats = stats;
    this.startNanos = w.startNanos();
    this.stopNanos = w.stopNanos();
    this.bufferBytes = w.bufferBytes();
    this.wantedBuffers = w.buffers();
    this.allocPerSecond = w.allocPerSecond();
  }

  /**
   * Takes one new buffer from the device.
   *
   * @throws CgroupException when a limit or the device refuses
   */
  abstract B newBuffer();

  /** Adds one buffer at the end of {@link #buffers}; false (counted as failed) when refused. */
  final boolean allocate() {
    events++;
    try {
      buffers.addLast(newBuffer());
      stats.allocations++;
      return true;
    } catch (CgroupException e) {
      stats.failed++;
      return false;
    }
  }

  /** Lets go of one buffer already taken out of {@link #buffers}. */
  abstract void free(B buffer);

  /** Whether the stream's task still lives (false once it was killed). */
  abstract boolean alive();

  /**
   * The task was killed: what it held goes as the kernel releases a dead process's files. The
   * buffers are already taken out of {@link #buffers}.
   */
  abstract void died(java.util.List<B> held);

  /**
   * Steps the stream while its workload is active at {@code now} and its task is neither frozen nor
   * dead, stops it once past its end.
   */
  final void advance(long now, long tick) {
    stepped = false;
    if (dead) {
      return;
    }
    if (!alive()) {
      dead = true;
      java.util.List<B> held = new java.util.ArrayList<>();
      for (B b = buffers.pollFirst(); b != null; b = buffers.pollFirst()) {
        held.add(b);
      }
      died(held);
      return;
    }
    if (frozen) {
      return;
    }
    if (now >= startNanos && now < stopNanos) { // Workload.activeAt
      stepped = true;
      step(tick);
    } else if (now >= stopNanos) {
      stop();
    }
  }

  /** The demand for the {@code tick} nanoseconds that passed: here, memory. */
  void step(long tick) {
    if (bufferBytes <= 0) {
      return;
    }
    backoff -= tick;
    if (buffers.size() < wantedBuffers) {
      if (backoff <= 0 && !allocate()) {
        backoff = RETRY_NANOS;
      }
    } else if (allocPerSecond > 0) {
      allocCredit += creditPerStep(tick);
      while (allocCredit >= 1) {
        allocCredit -= 1;
        freeOldest();
        allocate();
      }
    }
  }

  /**
   * After {@link #advance} at {@code now}: the earliest step time at which advancing could do anything
   * again, if the stream's device time does not change and no write is made to the tree meanwhile
   * ({@link #UNTIL_WOKEN}: not before either happens; {@code now + tick}: at the next step). Every
   * step before it, with the same {@code tick}, would change nothing but the counters that {@link
   * #skipped} brings up to date. The event-stepped loop ({@link Workloads#stepDue}) steps a stream
   * only then.
   */
  long quietUntil(long now, long tick) {
    if (dead || frozen) {
      return UNTIL_WOKEN; // a kill or a thaw is a write: every stream is woken after one
    }
    if (now < startNanos) {
      return startNanos;
    }
    if (!stepped) {
      return buffers.isEmpty() ? UNTIL_WOKEN : now + tick; // past its stop: stop() freed everything
    }
    return Math.min(stopNanos, Math.min(memoryQuietUntil(now, tick), demandQuietUntil(now, tick)));
  }

  /** {@link #quietUntil} of the device-time side; here, none: never due. */
  long demandQuietUntil(long now, long tick) {
    return UNTIL_WOKEN;
  }

  /** {@link #quietUntil} of the memory side, as {@link #step} will see it at the steps after {@code now}. */
  private long memoryQuietUntil(long now, long tick) {
    if (bufferBytes <= 0) {
      return UNTIL_WOKEN;
    }
    if (buffers.size() < wantedBuffers) {
      // each step takes `tick` off the backoff first and allocates once it is not above 0
      return backoff <= 0 ? now + tick : now + (backoff + tick - 1) / tick * tick;
    }
    if (allocPerSecond > 0) {
      double credit = allocCredit;
      double add = creditPerStep(tick);
      int steps = 0;
      do {
        credit += add;
        steps++;
      } while (credit < 1 && steps < CREDIT_LOOKAHEAD);
      return now + steps * tick;
    }
    return UNTIL_WOKEN;
  }

  /**
   * The stream was not advanced for {@code steps} steps of {@code tick} after the last one, all
   * before its {@link #quietUntil}: brings the counters those steps would have changed up to date,
   * exactly as they would have (the same additions, in the same order).
   */
  void skipped(long steps, long tick) {
    if (!stepped || steps <= 0 || bufferBytes <= 0) {
      return;
    }
    backoff -= steps * tick;
    if (buffers.size() >= wantedBuffers && allocPerSecond > 0) {
      double add = creditPerStep(tick);
      for (long i = 0; i < steps; i++) {
        allocCredit += add;
      }
    }
  }

  /**
   * The churn credit one step of {@code tick} adds: one expression for {@link #step}, {@link #skipped} and
   * the look-ahead of {@link #quietUntil}, so a skipped step's sum is the very double a taken one makes.
   */
  private double creditPerStep(long tick) {
    return allocPerSecond * tick / 1e9;
  }

  /** The workload's process ends its work: buffers are freed (queued batches still drain). */
  final void stop() {
    while (!buffers.isEmpty()) {
      freeOldest();
    }
  }

  private void freeOldest() {
    B oldest = buffers.pollFirst();
    if (oldest != null) {
      free(oldest);
    }
  }
}
