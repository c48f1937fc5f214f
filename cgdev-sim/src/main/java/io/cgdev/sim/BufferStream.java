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
  // fields rather than two objects' per stream and step: 200 streams are stepped every tick)
  private final long startNanos;
  private final long stopNanos;
  private final long bufferBytes;
  private final int wantedBuffers;
  private final double allocPerSecond;

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
      allocCredit += allocPerSecond * tick / 1e9;
      while (allocCredit >= 1) {
        allocCredit -= 1;
        freeOldest();
        allocate();
      }
    }
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
