package io.cgdev.plugin.support;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.KernelText;
import io.cgdev.api.Stability;
import java.math.BigInteger;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pressure trigger (the kernel's {@code psi_trigger}): made by writing {@code some 150000
 * 1000000} or {@code full <threshold µs> <window µs>} to an open pressure file, it raises an event
 * when the stall time of that kind grew by at least the threshold within a window, at most once per
 * window; a poller of the file wakes then ({@code POLLPRI}). Create one with {@link
 * PressureGroup#createTrigger}, close it when the file handle closes.
 *
 * <p>Thread-safe. {@link #pollEvent} is lock-free (the kernel's {@code cmpxchg(&t->event, 1, 0)});
 * the window bookkeeping runs under its group's lock as the kernel's runs under {@code
 * trigger_lock}.
 */
@Stability(value = Stability.Status.EXPERIMENTAL, since = "0.2")
public final class PressureTrigger implements AutoCloseable {
  /** The smallest window, 500 ms, in µs ({@code WINDOW_MIN_US}). */
  public static final long WINDOW_MIN_US = 500_000;

  /** The largest window, 10 s, in µs ({@code WINDOW_MAX_US}). */
  public static final long WINDOW_MAX_US = 10_000_000;

  /**
   * What a trigger write asks for: the stall kind, the threshold and the window in µs.
   *
   * @param stall {@code some} or {@code full}
   * @param thresholdUs stall time within a window that raises an event, 1..windowUs
   * @param windowUs the tracking window, {@link #WINDOW_MIN_US}..{@link #WINDOW_MAX_US}
   */
  public record Spec(Stall stall, long thresholdUs, long windowUs) {}

  private final PressureGroup group;
  private final Spec spec;
  private final Runnable notifier;
  private final AtomicBoolean event = new AtomicBoolean();
  // Guarded by the group's lock (the kernel's trigger_lock).
  private long windowStart;
  private long windowStartValue;
  private long prevGrowth;
  private boolean pending;
  private boolean fired;
  private long lastEventTime;
  private volatile boolean closed;

  PressureTrigger(PressureGroup group, Spec spec, Runnable notifier) {
    this.group = group;
    this.spec = spec;
    this.notifier = notifier;
  }

  /**
   * Parses a trigger write as the kernel's {@code psi_trigger_create} does: {@code sscanf(buf,
   * "some %u %u")}, else {@code "full %u %u"} — the word at the very start, white space between the
   * parts optional before a number, digits only (no sign), anything after the second number ignored,
   * numbers taken modulo 2^32 as {@code %u} stores them — then the window must lie within 500 ms..10
   * s and the threshold within 1 µs..window.
   *
   * @throws CgroupException {@code EINVAL} naming the value and what is wrong with it
   */
  public static Spec parse(String text) {
    long[] v = scan(text, "some");
    Stall stall = Stall.SOME;
    if (v == null) {
      v = scan(text, "full");
      stall = Stall.FULL;
    }
    if (v == null) {
      throw CgroupException.of(
          Errno.EINVAL, "pressure trigger '%s': expected 'some|full <threshold us> <window us>'", text);
    }
    long threshold = v[0];
    long window = v[1];
    if (window < WINDOW_MIN_US || window > WINDOW_MAX_US) {
      throw CgroupException.of(
          Errno.EINVAL, "pressure trigger '%s': window %d us outside %d..%d", text, window, WINDOW_MIN_US, WINDOW_MAX_US);
    }
    if (threshold == 0 || threshold > window) {
      throw CgroupException.of(
          Errno.EINVAL, "pressure trigger '%s': threshold %d us outside 1..%d (the window)", text, threshold, window);
    }
    return new Spec(stall, threshold, window);
  }

  /** The kernel's vsscanf for {@code "<word> %u %u"}: both numbers, or null if fewer convert. */
  private static long[] scan(String s, String word) {
    if (!s.startsWith(word)) {
      return null;
    }
    int i = word.length();
    long[] out = new long[2];
    for (int n = 0; n < 2; n++) {
      while (i < s.length() && KernelText.isSpace(s.charAt(i))) {
        i++;
      }
      if (i >= s.length() || !KernelText.isDigit(s.charAt(i))) {
        return null;
      }
      long value = 0;
      while (i < s.length() && KernelText.isDigit(s.charAt(i))) {
        value = value * 10 + (s.charAt(i) - '0'); // wraps modulo 2^64 as simple_strtoull does
        i++;
      }
      out[n] = value & 0xFFFF_FFFFL; // stored through an unsigned int *
    }
    return out;
  }

  /** What was asked for. */
  public Spec spec() {
    return spec;
  }

  /**
   * Whether an event was raised since the last call, clearing it: what {@code poll(2)} reports as
   * {@code POLLPRI} on the trigger's file ({@code psi_trigger_poll}). Lock-free; any thread.
   */
  public boolean pollEvent() {
    return event.compareAndSet(true, false);
  }

  /** Whether an event is raised and not yet taken by {@link #pollEvent}; does not clear it. */
  public boolean eventPending() {
    return event.get();
  }

  /**
   * Removes the trigger from its group ({@code psi_trigger_destroy}); the notifier runs once more so
   * that pollers wake, as the kernel wakes them. Idempotent.
   */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      group.destroy(this);
      notifier.run();
    }
  }

  boolean closed() {
    return closed;
  }

  int state() {
    return spec.stall.ordinal();
  }

  long windowNanos() {
    return spec.windowUs * 1000;
  }

  long thresholdNanos() {
    return spec.thresholdUs * 1000;
  }

  /** {@code window_reset}. */
  void windowReset(long now, long value, long growth) {
    windowStart = now;
    windowStartValue = value;
    prevGrowth = growth;
  }

  /**
   * {@code window_update}: the growth within the window that ends now, interpolating the part of the
   * window before the current one from the previous window's growth, assumed linear.
   */
  private long windowUpdate(long now, long value) {
    long elapsed = now - windowStart;
    long growth = value - windowStartValue;
    long size = windowNanos();
    if (elapsed > size) {
      windowReset(now, value, growth);
    } else {
      long remaining = size - elapsed;
      growth += scale(prevGrowth, remaining, size);
    }
    return growth;
  }

  /** {@code a * b / c} without overflow (a 10 s window in ns squared passes 2^63). */
  private static long scale(long a, long b, long c) {
    try {
      return Math.multiplyExact(a, b) / c;
    } catch (ArithmeticException e) {
      return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divide(BigInteger.valueOf(c)).longValueExact();
    }
  }

  /**
   * One trigger's part of {@code update_triggers} at {@code now}: with new stall, compute the growth
   * and mark a breach pending; raise the event at most once per window. Returns without effect when
   * there is no new stall and nothing pending.
   */
  void update(long now, long total, boolean newStall) {
    if (!newStall && !pending) {
      return;
    }
    if (newStall) {
      long growth = windowUpdate(now, total);
      if (!pending) {
        if (growth < thresholdNanos()) {
          return;
        }
        pending = true;
      }
    }
    // The kernel compares with last_event_time, which starts at 0: with sched_clock far past any
    // window that never holds back a first event; on a simulated clock starting at 0 it would, so a
    // trigger that never fired is not held back.
    if (fired && now < lastEventTime + windowNanos()) {
      return;
    }
    if (event.compareAndSet(false, true)) {
      notifier.run();
    }
    fired = true;
    lastEventTime = now;
    pending = false;
  }

  @Override
  public String toString() {
    return "PressureTrigger[" + spec.stall.label() + " " + spec.thresholdUs + " " + spec.windowUs + "]";
  }
}
