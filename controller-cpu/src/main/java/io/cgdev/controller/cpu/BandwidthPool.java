package io.cgdev.controller.cpu;

import io.cgdev.api.Bandwidth;

/**
 * One group's {@code cpu.max} quota (the kernel's cfs_bandwidth), refilled lazily from the device
 * clock: the binding calls {@link #refill} whenever device time has passed {@link #periodEnd()}.
 *
 * <p>Like the kernel, the pool runs in periods on a fixed grid that starts when the limit is written.
 * Every run of a client below the group takes its time out of the pool; when the pool is empty (or in
 * debt: a run that straddles the end of the quota is charged in full and repaid from later periods)
 * the group is throttled until a refill makes it positive again. A refill adds one quota per period
 * and keeps at most quota + burst, so up to {@code cpu.max.burst} of unused quota carries over.
 *
 * <p>The {@code cpu.stat} counters are counted at period boundaries, as the kernel's period timer
 * counts them ({@code do_sched_cfs_period_timer}): the timer starts when the group first uses quota,
 * and at each boundary it counts a period ({@code nr_periods}), and a throttled period ({@code
 * nr_throttled}) if the group is throttled then; it stops at the first boundary that ends a period in
 * which the group used no quota and was not throttled (that period is still counted), and starts again
 * at the next use. The period after one that ended a throttle counts as used, as the kernel's does.
 * {@code throttled_usec} grows when a throttle ends, by its length. A throttle ends at a boundary, so
 * {@code nr_throttled <= nr_periods} and {@code throttled_usec <= nr_throttled × period} always hold.
 * One difference: a write of {@code cpu.max} starts a fresh period here (the kernel keeps its timer's
 * phase), so the period a write cuts short is closed as if at a boundary: counted, and counted as
 * throttled if the group was, and a throttle it lifts ends there.
 *
 * <p>Scheduling fields are guarded by the binding's lock. The counters behind {@code cpu.stat} are
 * volatile and written only under that lock, so readers need no lock.
 */
final class BandwidthPool {
  private volatile Bandwidth limit = Bandwidth.DEFAULT;
  private volatile long burstUsec;

  private long runtime;
  /** The pool right after the last refill: what was drawn since is {@code snapshot - runtime}. */
  private long snapshot;
  private long periodEnd = Long.MAX_VALUE;
  /** The kernel's period_active: periods are counted while it is set. */
  private boolean timerActive;
  /** The kernel's cfs_b->idle: no quota was used since the last boundary. */
  private boolean idle;
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
   * Installs a new limit at device time {@code now}, as the kernel's {@code tg_set_cfs_bandwidth}:
   * the running period closes (see the class comment), a throttle ends, debt is forgiven and the pool
   * gets one quota (at most quota + burst); a fresh period starts, and the period timer waits for the
   * group's next use.
   *
   * @return true if the group was throttled and no longer is; the caller requeues it
   */
  boolean setLimit(Bandwidth newLimit, long now) {
    if (timerActive) {
      countPeriod();
    }
    boolean resumed = unthrottle(now);
    limit = newLimit;
    timerActive = false;
    idle = false;
    if (newLimit.unlimited()) {
      periodEnd = Long.MAX_VALUE;
      return resumed;
    }
    runtime = Math.max(runtime, 0);
    refillOnce();
    periodEnd = now + periodNanos();
    return resumed;
  }

  /**
   * Applies {@code cpu.max.burst}: like the kernel, a write refills the pool by one quota (at most
   * quota + the new burst). A throttled group keeps its debt and waits for the next boundary (the
   * kernel would lift the throttle at once; here a throttle ends only at a boundary or a {@code
   * cpu.max} write, so that the counters keep their invariants).
   */
  void setBurst(long usec) {
    burstUsec = usec;
    if (limited() && !throttled) {
      refillOnce();
    }
  }

  /**
   * Takes {@code nanos} out of the pool; starts the period timer if it was stopped.
   *
   * @return true if the group must be throttled now (it has just run out)
   */
  boolean consume(long nanos, long now) {
    // Debt is floored so that a wildly long report cannot overflow the refill arithmetic.
    runtime = Math.max(runtime - nanos, Long.MIN_VALUE / 4);
    timerActive = true;
    idle = false;
    if (runtime <= 0 && !throttled) {
      throttled = true;
      throttledAt = now;
      return true;
    }
    return false;
  }

  /**
   * Passes every period boundary up to {@code now}: while the timer runs, counts each period and
   * each throttled one, notes a burst when more than one quota was drawn, adds one quota per period
   * (at most quota + burst kept) and ends a throttle at the boundary that makes the pool positive.
   * Nothing is drawn between the boundaries passed in one call (the binding refills before every
   * run it charges), so the arithmetic below replaces a loop over them.
   *
   * @return true if the group was throttled and may run again; the caller requeues it
   */
  boolean refill(long now) {
    if (now < periodEnd) {
      return false;
    }
    long period = periodNanos();
    long boundary = periodEnd;
    long left = (now - periodEnd) / period + 1;
    periodEnd = boundary + left * period;
    if (!timerActive) {
      return false; // a stopped timer counts nothing; the pool was refilled when it stopped
    }
    boolean resumed = false;
    if (throttled) {
      // throttled boundaries: each is a period and a throttled one and adds a quota, until the
      // pool is positive
      long quota = quotaNanos();
      long needed = Math.max(1, -runtime / quota + 1);
      long n = Math.min(left, needed);
      noteBurst();
      nrPeriods += n;
      nrThrottled += n;
      runtime = Math.min(runtime + n * quota, quota + burstUsec * 1000);
      snapshot = runtime;
      boundary += (n - 1) * period;
      if (runtime > 0) {
        resumed = unthrottle(boundary);
      }
      idle = false; // the kernel's timer stays on for the period after a throttled one
      left -= n;
      boundary += period;
    }
    // boundaries while not throttled: each counted; the timer stops at the first one that ends an
    // idle period, so at most two are counted here
    while (left > 0 && !throttled) {
      countBoundary();
      left--;
      if (idle) {
        timerActive = false;
        break;
      }
      idle = true;
    }
    return resumed;
  }

  /** A boundary while the timer runs: counts the period (and a throttled one), refills the pool. */
  private void countBoundary() {
    countPeriod();
    refillOnce();
  }

  private void countPeriod() {
    nrPeriods++;
    if (throttled) {
      nrThrottled++;
    }
  }

  /** The kernel's {@code __refill_cfs_bandwidth_runtime}: notes a burst, adds a quota, keeps at most quota + burst. */
  private void refillOnce() {
    noteBurst();
    runtime = Math.min(runtime + quotaNanos(), quotaNanos() + burstUsec * 1000);
    snapshot = runtime;
  }

  /** The kernel's burst accounting: more than one quota drawn since the last refill. */
  private void noteBurst() {
    long drawn = snapshot - Math.max(runtime, 0);
    if (drawn > quotaNanos()) {
      nrBursts++;
      burstNanos += drawn - quotaNanos();
    }
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

  private long periodNanos() {
    return limit.periodUsec() * 1000;
  }
}
