package io.cgdev.plugin.support;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One cgroup's level of a hierarchical counter with a limit (the kernel's page_counter shape): a
 * charge adds at every level from this one to the root and compares each level with its limit; the
 * first level it would pass counts a {@code max} event, everything added below it is taken back, and
 * that level is returned as the limiting one. Uncharging subtracts at every level and never drives
 * one below zero. Use one per (cgroup, device) state, made with its parent's counter, e.g. for an
 * object count:
 *
 * <pre>{@code
 * final class PowerState implements DeviceState {
 *   final HierarchicalCounter watts;
 *   PowerState(PowerState parent) { watts = new HierarchicalCounter(parent == null ? null : parent.watts); }
 *   public boolean drained() { return watts.drained(); }
 * }
 * }</pre>
 *
 * <p>Lock-free and safe from any thread. Like the kernel's counter, a charge adds first and compares
 * after, so two charges racing near a limit may both be refused where one would have fitted (a
 * small, bounded over-refusal), but usage never passes a limit for longer than the failing charge's
 * own rollback. {@link #peak()} is a watermark updated after the add, so it may lag a concurrent
 * charge for as long as that charge runs.
 */
@Stability(value = Stability.Status.STABLE, since = "0.2")
public final class HierarchicalCounter {
  private final HierarchicalCounter parent;
  private final AtomicLong usage = new AtomicLong();
  private final AtomicLong maxEvents = new AtomicLong();
  private final AtomicLong peak = new AtomicLong();
  private volatile long max = Long.MAX_VALUE;

  /** A level below {@code parent}, or the root level if {@code parent} is {@code null}. */
  public HierarchicalCounter(HierarchicalCounter parent) {
    this.parent = parent;
  }

  /** The parent level, {@code null} at the root. */
  public HierarchicalCounter parent() {
    return parent;
  }

  /**
   * Adds {@code n} here and at every level above, unless a limit would be passed.
   *
   * @return {@code null} if charged; else the limiting level, whose {@code max} event was counted
   *     (nothing stays charged anywhere)
   * @throws CgroupException {@code EINVAL} for a negative {@code n}
   */
  public HierarchicalCounter tryCharge(long n) {
    if (n < 0) {
      throw CgroupException.of(Errno.EINVAL, "negative charge %d", n);
    }
    for (HierarchicalCounter c = this; c != null; c = c.parent) {
      long now = c.usage.addAndGet(n);
      if (now > c.max) {
        for (HierarchicalCounter u = this; u != c.parent; u = u.parent) {
          u.usage.addAndGet(-n);
        }
        c.maxEvents.incrementAndGet();
        return c;
      }
      c.peak.accumulateAndGet(now, Math::max);
    }
    return null;
  }

  /**
   * {@link #tryCharge}, failing with {@code ENOSPC} at a limit.
   *
   * @param what names the charge for the message, e.g. {@code "gem: 1 object on vgem0 for /a"}
   * @throws CgroupException {@code ENOSPC} naming the limiting level's limit
   */
  public void charge(long n, String what) {
    HierarchicalCounter limiting = tryCharge(n);
    if (limiting != null) {
      throw CgroupException.of(Errno.ENOSPC, "%s: a limit of %d above it is reached", what, limiting.max);
    }
  }

  /**
   * Subtracts {@code n} here and at every level above.
   *
   * @param what names the charge for the message
   * @throws CgroupException {@code EINVAL} for a negative {@code n}, or if a level holds less than
   *     {@code n} (a plugin bug; nothing changes then)
   */
  public void uncharge(long n, String what) {
    if (n < 0) {
      throw CgroupException.of(Errno.EINVAL, "%s: negative uncharge %d", what, n);
    }
    for (HierarchicalCounter c = this; c != null; c = c.parent) {
      long now = c.usage.addAndGet(-n);
      if (now < 0) {
        for (HierarchicalCounter u = this; u != c.parent; u = u.parent) {
          u.usage.addAndGet(n);
        }
        throw CgroupException.of(Errno.EINVAL, "%s: uncharging %d would drive a counter below zero", what, n);
      }
    }
  }

  /** What is charged here and below. */
  public long usage() {
    return usage.get();
  }

  /** The limit, {@code Long.MAX_VALUE} for none. */
  public long max() {
    return max;
  }

  /**
   * Sets the limit. Usage above it stays (as memcg's {@code memory.max} without reclaim); later
   * charges fail until usage is below it again.
   */
  public void max(long limit) {
    if (limit < 0) {
      throw CgroupException.of(Errno.EINVAL, "negative limit %d", limit);
    }
    this.max = limit;
  }

  /** How often a charge was refused at this level's limit. */
  public long maxEvents() {
    return maxEvents.get();
  }

  /** The highest usage seen at this level (a watermark; see the class comment). */
  public long peak() {
    return peak.get();
  }

  /** True when nothing is charged here: the state may be freed (its cgroup stops dying). */
  public boolean drained() {
    return usage.get() == 0;
  }
}
