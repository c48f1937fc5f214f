package io.cgdev.sim;

import io.cgdev.api.Task;
import io.cgdev.drm.DrmDevice;
import io.cgdev.drm.DrmFile;
import io.cgdev.drm.GemObject;
import io.cgdev.sim.scenario.Scenario.Tenant;
import io.cgdev.sim.scenario.Scenario.Workload;
import java.util.function.LongSupplier;

/**
 * One DRM client of a workload: its file (opened by the workload's task), its GEM buffers and its
 * demand for device time. Open-loop demand of {@code duty} engines with a bounded queue: each step
 * it may queue {@code duty × tick} more work, in batches of the workload's size, but never more than
 * about two steps' worth is outstanding (a blocked client waits, it does not pile up work). A batch
 * uses the stream's buffers in turn, so they stay active.
 */
final class DrmStream extends BufferStream<Integer> {
  private static final int[] NO_BUFFERS = new int[0];

  final DrmDevice dev;
  final DrmFile file;
  private final double duty;
  private final String[] placements;
  /** The client's run time on its engine class; null for a memory-only workload or no demand. */
  private final LongSupplier ran;
  private final String engineClass;
  private final long batchNanos;
  private final Task task;
  private double allowance;
  private long submitted;
  private int nextBuffer;
  /**
   * Whether the last step left the stream waiting for its client to run: backlog at its cap and the
   * allowance at its clamp, a state every further step keeps unchanged until the device time grows.
   */
  private boolean waitsForDevice;

  DrmStream(Workload w, Tenant tenant, TenantStats stats, DrmDevice dev, DrmFile file, double duty) {
    super(w, tenant, stats);
    this.dev = dev;
    this.file = file;
    this.duty = duty;
    this.placements = w.placements().toArray(String[]::new);
    this.ran = w.engineClass() == null || duty <= 0 ? null : file.runtimeReader(w.engineClass());
    this.engineClass = w.engineClass();
    this.batchNanos = w.batchNanos();
    this.task = file.task();
  }

  @Override
  void step(long tick) {
    super.step(tick);
    waitsForDevice = false;
    if (ran == null) {
      return;
    }
    long batch = batchNanos;
    long backlog = submitted - ran.getAsLong();
    allowance += duty * tick;
    long cap = (long) (2 * duty * tick) + 2 * batch;
    while (allowance >= batch && backlog < cap) {
      dev.submit(file, engineClass, batch, buffers.isEmpty() ? NO_BUFFERS : new int[] {nextBuffer()});
      submitted += batch;
      backlog += batch;
      allowance -= batch;
      events++;
    }
    if (backlog >= cap) {
      allowance = Math.min(allowance, batch);
      // the next steps add to the allowance and clamp it back to `batch`, submit nothing, while the
      // backlog stays (the device time does not grow) and the tick does not grow (the cap would)
      waitsForDevice = allowance == batch;
    }
  }

  /**
   * Nothing to do on the device side until the client runs (the caller wakes the stream then), when
   * the last step left it waiting for the device; else at the next step (it has allowance to spend).
   */
  @Override
  long demandQuietUntil(long now, long tick) {
    return ran == null || waitsForDevice ? UNTIL_WOKEN : now + tick;
  }

  @Override
  boolean alive() {
    return task.alive();
  }

  /** The device closed the killed task's client and freed its buffers: nothing is left to do. */
  @Override
  void died(java.util.List<Integer> held) {}

  private int nextBuffer() {
    return buffers.get(nextBuffer++ % buffers.size());
  }

  @Override
  Integer newBuffer() {
    return file.createGem(w.bufferBytes(), placements);
  }

  @Override
  void free(Integer handle) {
    events++;
    GemObject o = file.object(handle);
    stats.evictions += o.evictions();
    file.closeHandle(handle);
  }

  /** Evictions of the buffers still held (added to the tenant's count once, at the end of a run). */
  long liveEvictions() {
    long n = 0;
    if (!file.isOpen()) {
      return n;
    }
    for (int i = 0; i < buffers.size(); i++) {
      n += file.object(buffers.get(i)).evictions();
    }
    return n;
  }

  /**
   * The device time it asks for at scenario time {@code now}, in engines' worth (the fluid model's
   * demand): its duty while its workload is active and has an engine class, else 0.
   */
  double demandAt(long now) {
    return engineClass != null && w.activeAt(now) ? duty : 0;
  }

  /** The engine class it submits to, or null for a memory-only workload. */
  String engineClass() {
    return engineClass;
  }
}
