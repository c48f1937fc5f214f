package io.cgdev.drm.sim;

import io.cgdev.api.Stability;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.TimeSharing;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A client's scheduling state (the kernel's {@code drm_sched_entity}), one per DRM client, made by
 * {@link EngineScheduler#open}: a FIFO of batches per engine class, the cpu controller's {@link
 * TimeSharing.Client} in the cgroup the task was in at its last submission, whether its task is
 * frozen, the engine running one of its batches (at most one: the kernel's entity is on one run
 * queue at a time), and per engine whether it is runnable there and how long it ran. Opaque outside
 * this package; guarded by the device lock.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class SchedEntity {
  final long clientId;
  /** Its queued batches per engine class index ({@link Engine#classIndex}). */
  final ArrayDeque<Batch>[] queues;
  /** The cpu controller's entity; null without a cpu controller or outside any cgroup. */
  TimeSharing.Client client;
  /** The cgroup whose cpuset and cpu settings apply; null when the device charges nowhere. */
  CgroupHandle cgroup;
  /** The engine running one of its batches, or null; set by {@link Engine#start}, cleared by {@link Engine#stop}. */
  Engine running;
  final boolean[] runnable;
  /** Whether its task is frozen ({@code cgroup.freeze}): then it is runnable nowhere. */
  boolean frozen;
  /**
   * Per engine, whether cpuset lets its cgroup run there, as the {@link EnginePolicy} said at mask
   * generation {@link #maskGeneration} (-1: not asked yet, or its cgroup changed since).
   */
  final boolean[] allowed;
  long maskGeneration = -1;
  /** Nanoseconds run, per engine index. */
  final long[] runtime;
  /**
   * Nanoseconds run, per engine class index: the sums of {@link #runtime} kept as it grows, because a
   * client's backlog is read by class (fdinfo's {@code drm-engine-<class>}) far more often than it runs
   * (a simulated workload checks it at every step). Written under the device lock, read without it:
   * each element only grows, so a reader sees a value it had at some instant.
   */
  final AtomicLongArray runtimeByClass;
  /** Whether it is in the scheduler's list of entities that ran since the list was last taken. */
  boolean ranListed;

  SchedEntity(long clientId, int engines, int engineClasses) {
    this.clientId = clientId;
    this.runnable = new boolean[engines];
    this.allowed = new boolean[engines];
    this.runtime = new long[engines];
    this.runtimeByClass = new AtomicLongArray(engineClasses);
    @SuppressWarnings({"unchecked", "rawtypes"}) // an array of one generic type, never exposed
    ArrayDeque<Batch>[] q = new ArrayDeque[engineClasses];
    for (int c = 0; c < engineClasses; c++) {
      q[c] = new ArrayDeque<>();
    }
    this.queues = q;
  }

  /** The client id it was opened for. */
  public long clientId() {
    return clientId;
  }

  /** The label the cpu controller shows, e.g. {@code drm-client-7}. */
  String label() {
    return "drm-client-" + clientId;
  }
}
