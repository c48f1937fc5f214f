package io.cgdev.controller.cpu;

import io.cgdev.api.Bandwidth;

/**
 * One group's {@code cpu.max} quota (the kernel's cfs_bandwidth), refilled lazily from the device
 * clock: the binding calls {@link #refill} whenever device time has passed {@link #periodEnd()}.
 *
 * <p>Like the kernel, the pool runs in periods that start when the limit is written. Every run of a
 * client below the group takes its time out of the pool; when the pool is empty (or in debt: a run
 * that straddles the end of the quota is charged in full and repaid from the next period) the group
 * is throttled until a refill makes it positive again. A refill adds one quota per elapsed period and
 * keeps at most quota + burst, so up to {@code cpu.max.burst} of unused quota carries over.
 *
 * <p>Scheduling fields are guarded by the binding's lock. The counters behind {@code cpu.stat} are
 * volatile and written only under that lock, so readers need no lock.
 */
final class BandwidthPool {
  private volatile Bandwidth limit = Bandwidth.DEFAULT;
  private volatile long burstUsec;

  private long runtime;
  private long snapshot;
  private long periodEnd = Long.MAX_VALUE;
  private boolean usedThisPeriod;
  private boolean throttled;
  private long throttledAt;

  volatile long nrPeriods;
  volatile long nrThrottled;
  volatile long throttledNanos;
  volatile long nrBursts;
  volatile long burstNanos;

  Bandwidth limit() {
    return limit;
  }

  long burstUsec() {
    return burstUsec;
  }

  boolean limited() {
    return !limit.unlimited();
  }

  boolean throttled() {
    return throttled;
  }

  /** End of the current period in device nanoseconds; {@code Long.MAX_VALUE} when unlimited. */
  long periodEnd() {
    return periodEnd;
  }

  /**
   * Installs a new limit at device time {@code now}, starting a fresh full period (the kernel resets
   * the pool the same way).
   *
   * @return true if the group was throttled and no longer is; the caller requeues it
   */
  boolean setLimit(Bandwidth newLimit, long now) {
    limit = newLimit;
    if (newLimit.unlimited()) {
      periodEnd = Long.MAX_VALUE;
      return unthrottle(now);
    }
    runtime = quotaNanos();
    snapshot = runtime;
    periodEnd = now + newLimit.periodUsec() * 1000;
    usedThisPeriod = false;
    return unthrottle(now);
  }

  void setBurst(long usec) {
    burstUsec = usec;
  }

  /**
   * Takes {@code nanos} out of the pool.
   *
   * @return true if the group must be throttled now (it has just run out)
   */
  boolean consume(long nanos, long now) {
    // Debt is floored so that a wildly long report cannot overflow the refill arithmetic.
    runtime = Math.max(runtime - nanos, Long.MIN_VALUE / 4);
    usedThisPeriod = true;
    if (runtime <= 0 && !throttled) {
      throttled = true;
      throttledAt = now;
      nrThrottled++;
      return true;
    }
    return false;
  }

  /**
   * Closes every period that ended by {@code now}: counts it, notes a burst when more than one quota
   * was drawn, adds the quota back (at most quota + burst kept).
   *
   * @return true if the group was throttled and may run again; the caller requeues it
   */
  boolean refill(long now) {
    if (now < periodEnd) {
      return false;
    }
    long period = limit.periodUsec() * 1000;
    long elapsed = (now - periodEnd) / period + 1;
    long lastBoundary = periodEnd + (elapsed - 1) * period;
    periodEnd = lastBoundary + period;
    if (usedThisPeriod || throttled) {
      nrPeriods += elapsed;
    }
    long quota = quotaNanos();
    long drawn = snapshot - Math.max(runtime, 0);
    if (drawn > quota) {
      nrBursts++;
      burstNanos += drawn - quota;
    }
    long cap = quota + burstUsec * 1000;
    long added = elapsed > 64 ? Long.MAX_VALUE / 4 : elapsed * quota;
    runtime = Math.min(runtime + added, cap);
    snapshot = runtime;
    usedThisPeriod = false;
    return runtime > 0 && unthrottle(lastBoundary);
  }

  private boolean unthrottle(long at) {
    if (!throttled) {
      return false;
    }
    throttled = false;
    throttledNanos += Math.max(0, at - throttledAt);
    return true;
  }

  private long quotaNanos() {
    return limit.quotaUsec() * 1000;
  }
}
