package io.cgdev.controller.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One level of a hierarchical, lock-free byte counter with the kernel's page-counter semantics
 * (mm/page_counter.c): a charge adds at every level from a counter to the root, compares each new
 * usage with that level's max, and on failure takes back what it added below the failing level and
 * reports that level. Unlike the kernel the unit is bytes; limits are rounded to pages by the caller.
 *
 * <p>All methods are thread-safe and take no lock. Usage and the limits are volatile, so a charge
 * (add, then read max) and a limit change (write max, then read usage) cannot both miss each other.
 * The cost of the speculative add is a small over-refusal when two charges race near a limit (each
 * may see the other's add), never an overshoot.
 */
final class PageCounter {
  /** "max": no limit. */
  static final long MAX = Long.MAX_VALUE;

  /** What {@link #charge} returns when the charge went through but left some level above high. */
  static final PageCounter OVER_HIGH = new PageCounter(null);

  private static final VarHandle USAGE;
  private static final VarHandle WATERMARK;
  private static final VarHandle LOCAL_WATERMARK;
  private static final VarHandle FAILCNT;
  private static final VarHandle MIN_USAGE;
  private static final VarHandle LOW_USAGE;
  private static final VarHandle CHILDREN_MIN_USAGE;
  private static final VarHandle CHILDREN_LOW_USAGE;
  private static final VarHandle PROTECTING;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      USAGE = l.findVarHandle(PageCounter.class, "usage", long.class);
      WATERMARK = l.findVarHandle(PageCounter.class, "watermark", long.class);
      LOCAL_WATERMARK = l.findVarHandle(PageCounter.class, "localWatermark", long.class);
      FAILCNT = l.findVarHandle(PageCounter.class, "failcnt", long.class);
      MIN_USAGE = l.findVarHandle(PageCounter.class, "minUsage", long.class);
      LOW_USAGE = l.findVarHandle(PageCounter.class, "lowUsage", long.class);
      CHILDREN_MIN_USAGE = l.findVarHandle(PageCounter.class, "childrenMinUsage", long.class);
      CHILDREN_LOW_USAGE = l.findVarHandle(PageCounter.class, "childrenLowUsage", long.class);
      PROTECTING = l.findVarHandle(PageCounter.class, "protecting", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final PageCounter parent;

  private volatile long usage;
  private volatile long max = MAX;
  private volatile long high = MAX;
  private volatile long min;
  private volatile long low;

  // Watermarks are raised with a compare-and-set loop only when a charge passes them, so they are
  // exact; the loop runs only while usage climbs to a new high.
  private volatile long watermark;
  private volatile long localWatermark;

  // Counted on the failure path only.
  private volatile long failcnt;

  // This level's protected usage (min(usage, min) and min(usage, low)) as last reported to the
  // parent, and the sums of what the children reported: the inputs of effective protection.
  private volatile long minUsage;
  private volatile long lowUsage;
  private volatile long childrenMinUsage;
  private volatile long childrenLowUsage;

  // How many levels of this subtree (this one included) have min or low set: where it is 0, every
  // effective protection below is 0 whatever the usage, so reclaim need not compute it there.
  private volatile int protecting;

  PageCounter(PageCounter parent) {
    this.parent = parent;
  }

  PageCounter parent() {
    return parent;
  }

  long usage() {
    return usage;
  }

  long max() {
    return max;
  }

  long high() {
    return high;
  }

  long min() {
    return min;
  }

  long low() {
    return low;
  }

  long watermark() {
    return watermark;
  }

  long localWatermark() {
    return localWatermark;
  }

  long failcnt() {
    return failcnt;
  }

  long minUsage() {
    return minUsage;
  }

  long lowUsage() {
    return lowUsage;
  }

  long childrenMinUsage() {
    return childrenMinUsage;
  }

  long childrenLowUsage() {
    return childrenLowUsage;
  }

  /**
   * Charges {@code bytes} here and at every ancestor unless a level's max would be passed.
   *
   * @return {@code null} on success, else the level whose max refused the charge (its fail count
   *     raised); nothing stays charged then
   */
  PageCounter tryCharge(long bytes) {
    PageCounter r = charge(bytes, true);
    return r == OVER_HIGH ? null : r;
  }

  /**
   * The hot-path charge: {@link #tryCharge} that also tells, from the same walk, whether some level
   * ended above its high limit (so the caller needs no second walk over the shared ancestors), and
   * that leaves the fail count alone when {@code countFail} is false (a caller that will retry after
   * draining the charge stocks counts the failure itself, with {@link #countFailure}, only if it
   * stays).
   *
   * @return {@code null} if charged, {@link #OVER_HIGH} if charged and some level is now above its
   *     high limit, else the level whose max refused the charge; nothing stays charged then
   */
  PageCounter charge(long bytes, boolean countFail) {
    boolean overHigh = false;
    for (PageCounter c = this; c != null; c = c.parent) {
      long now = (long) USAGE.getAndAdd(c, bytes) + bytes;
      if (now > c.max) {
        USAGE.getAndAdd(c, -bytes);
        if (countFail) {
          FAILCNT.getAndAdd(c, 1L);
        }
        for (PageCounter u = this; u != c; u = u.parent) {
          u.cancel(bytes);
        }
        return c;
      }
      c.propagateProtectedUsage(now);
      c.raiseWatermarks(now);
      overHigh |= now > c.high;
    }
    return overHigh ? OVER_HIGH : null;
  }

  /** Counts a refusal that {@link #charge} was told not to count. */
  void countFailure() {
    FAILCNT.getAndAdd(this, 1L);
  }

  /**
   * Uncharges {@code bytes} here and at every ancestor.
   *
   * @return {@code false}, with nothing changed, if some level holds less than {@code bytes}
   */
  boolean uncharge(long bytes) {
    for (PageCounter c = this; c != null; c = c.parent) {
      long now = (long) USAGE.getAndAdd(c, -bytes) - bytes;
      if (now < 0) {
        USAGE.getAndAdd(c, bytes);
        for (PageCounter u = this; u != c; u = u.parent) {
          u.add(bytes);
        }
        return false;
      }
      c.propagateProtectedUsage(now);
    }
    return true;
  }

  /** The first level from here up whose usage is above its high limit, or {@code null}. */
  PageCounter overHigh() {
    for (PageCounter c = this; c != null; c = c.parent) {
      if (c.usage > c.high) {
        return c;
      }
    }
    return null;
  }

  /**
   * Sets max. Stored first, so that racing charges see it; usage may stay above it (the caller
   * reclaims toward it).
   */
  void setMax(long bytes) {
    max = bytes;
  }

  /**
   * Sets max only if usage does not exceed it, as the kernel's {@code page_counter_set_max}: read
   * usage, refuse if it is above; swap the limit in, and if usage grew meanwhile (a racing charge
   * that saw the old limit) put the old limit back and try again. The caller serialises setters.
   *
   * @return false, with nothing changed, if usage is above {@code bytes}
   */
  boolean setMaxUnlessBelowUsage(long bytes) {
    while (true) {
      long before = usage;
      if (before > bytes) {
        return false;
      }
      long old = max;
      max = bytes;
      if (usage <= before) {
        return true;
      }
      max = old;
      Thread.onSpinWait();
    }
  }

  void setHigh(long bytes) {
    high = bytes;
  }

  void setMin(long bytes) {
    synchronized (this) {
      boolean was = min != 0 || low != 0;
      min = bytes;
      countProtecting(was);
    }
    for (PageCounter c = this; c != null; c = c.parent) {
      c.propagateProtectedUsage(c.usage);
    }
  }

  void setLow(long bytes) {
    synchronized (this) {
      boolean was = min != 0 || low != 0;
      low = bytes;
      countProtecting(was);
    }
    for (PageCounter c = this; c != null; c = c.parent) {
      c.propagateProtectedUsage(c.usage);
    }
  }

  /**
   * How many levels of this counter's subtree, itself included, have {@code min} or {@code low}
   * set (exact once the setters have returned; a setter racing with a reader is seen before or after).
   */
  int protectingLevels() {
    return protecting;
  }

  /** Whether this level itself has {@code min} or {@code low} set. */
  boolean protects() {
    return min != 0 || low != 0;
  }

  // Called under this counter's lock, so a concurrent setMin and setLow of this level count once.
  private void countProtecting(boolean was) {
    boolean now = min != 0 || low != 0;
    if (was != now) {
      int d = now ? 1 : -1;
      for (PageCounter c = this; c != null; c = c.parent) {
        PROTECTING.getAndAdd(c, d);
      }
    }
  }

  /**
   * Restarts the local watermark (behind per-handle {@code memory.peak} resets) at {@code value}.
   *
   * @return the local watermark it replaced
   */
  long swapLocalWatermark(long value) {
    return (long) LOCAL_WATERMARK.getAndSet(this, value);
  }

  private void cancel(long bytes) {
    long now = (long) USAGE.getAndAdd(this, -bytes) - bytes;
    propagateProtectedUsage(now);
  }

  private void add(long bytes) {
    long now = (long) USAGE.getAndAdd(this, bytes) + bytes;
    propagateProtectedUsage(now);
  }

  private void raiseWatermarks(long now) {
    long w;
    while (now > (w = watermark) && !WATERMARK.weakCompareAndSet(this, w, now)) {
      Thread.onSpinWait();
    }
    while (now > (w = localWatermark) && !LOCAL_WATERMARK.weakCompareAndSet(this, w, now)) {
      Thread.onSpinWait();
    }
  }

  /**
   * Reports this level's protected usage to the parent's children sums, as the kernel's
   * propagate_protected_usage: exchange the reported value, add the difference upstairs. Racing
   * updates may leave the reported value one step stale, but the exchange keeps the parent's sum
   * equal to the sum of the children's reported values.
   */
  private void propagateProtectedUsage(long now) {
    PageCounter p = parent;
    if (p == null) {
      return;
    }
    long m = min;
    if (m != 0 || minUsage != 0) {
      long prot = Math.max(0, Math.min(now, m));
      if (prot != minUsage) {
        long old = (long) MIN_USAGE.getAndSet(this, prot);
        if (prot != old) {
          CHILDREN_MIN_USAGE.getAndAdd(p, prot - old);
        }
      }
    }
    long l = low;
    if (l != 0 || lowUsage != 0) {
      long prot = Math.max(0, Math.min(now, l));
      if (prot != lowUsage) {
        long old = (long) LOW_USAGE.getAndSet(this, prot);
        if (prot != old) {
          CHILDREN_LOW_USAGE.getAndAdd(p, prot - old);
        }
      }
    }
  }
}
