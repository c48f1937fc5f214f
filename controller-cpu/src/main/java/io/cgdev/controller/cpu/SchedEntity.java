package io.cgdev.controller.cpu;

/**
 * Something that competes for one engine in its parent group's {@link RunQueue} (the kernel's
 * sched_entity): a client, or a child group. Guarded by the binding's lock.
 */
abstract sealed class SchedEntity permits GroupEntity, ClientEntity {
  /**
   * How much real time an entity that re-joins its queue may be behind the queue's minimum, in
   * nanoseconds of device time (converted to virtual time by the entity's weight). A sleeper keeps at
   * most this much of its lag: idle time earns no credit beyond it.
   */
  static final long LAG_BOUND_NANOS = 1_000_000;

  /** Where this entity queues; {@code null} for the root group, which queues nowhere. */
  final RunQueue parentQueue;

  /** Tie-breaker for equal virtual times: older entities first, so the order is total. */
  final long seq;

  /** Virtual time: real time run, scaled by NICE0_LOAD / load. */
  long vruntime;

  /** The remainder of the last scaling, so repeated small runs lose nothing to rounding. */
  private long remainder;

  /** Never queued yet: joins at the queue's minimum, with no lag at all. */
  private boolean fresh = true;

  /** Position in {@link #parentQueue}'s heap, -1 while not queued. */
  int heapIndex = -1;

  SchedEntity(RunQueue parentQueue, long seq) {
    this.parentQueue = parentQueue;
    this.seq = seq;
  }

  /** The entity's weight in load units (see {@link CpuWeight}). */
  abstract long load();

  final boolean queued() {
    return heapIndex >= 0;
  }

  /**
   * Advances virtual time by {@code nanos * NICE0_LOAD / load}, exactly: the division's remainder is
   * carried to the next call. No overflow for runs shorter than about 1000 days.
   */
  final void advance(long nanos) {
    long load = load();
    if (load == CpuWeight.NICE0_LOAD) {
      vruntime += nanos;
      return;
    }
    long q = nanos / load;
    long r = nanos % load * CpuWeight.NICE0_LOAD + remainder;
    remainder = r % load;
    vruntime += q * CpuWeight.NICE0_LOAD + r / load;
  }

  /**
   * Sets the virtual time for joining {@code queue}: a fresh entity starts at the queue's minimum; a
   * returning one keeps its virtual time unless it lies more than {@link #LAG_BOUND_NANOS} (as
   * virtual time at this entity's weight) behind the minimum.
   */
  final void place(RunQueue queue) {
    long min = queue.minVruntime();
    if (fresh) {
      fresh = false;
      vruntime = min;
      return;
    }
    long bound = LAG_BOUND_NANOS * CpuWeight.NICE0_LOAD / load();
    vruntime = Math.max(vruntime, min - bound);
  }
}
