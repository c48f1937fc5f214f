package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.Subscription;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifications of one file while it has open handles (kernfs's {@code kernfs_open_node}): an
 * event counter that starts at 1 and grows by one per notification, the listeners of its handles,
 * and a monitor that {@link #await} waits on. A handle compares the counter with the value it saw at
 * its last read (0 before its first read) to tell whether the file changed since, as kernfs's poll
 * compares {@code of->event} with the node's {@code event}.
 *
 * <p>Thread-safe. {@link #fire} takes the monitor only when a thread waits, so a notification costs
 * an atomic increment when nobody blocks.
 */
public final class FileEventSource {
  private static final Logger LOG = LoggerFactory.getLogger(FileEventSource.class);

  private final FileEvents.Key key;
  private final AtomicLong event = new AtomicLong(1);
  private final AtomicInteger waiters = new AtomicInteger();
  private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final Object monitor = new Object();
  // openers; changed only inside FileEvents' map compute, so without a race against removal
  private int openers;

  FileEventSource(FileEvents.Key key) {
    this.key = key;
  }

  /** The file this source belongs to. */
  public FileEvents.Key key() {
    return key;
  }

  void opened() {
    openers++;
  }

  /** One opener fewer; true when none is left. */
  boolean closed() {
    return --openers == 0;
  }

  /** The event counter: 1 when no notification came since the source was made. */
  public long event() {
    return event.get();
  }

  /** A notification: counts it, wakes waiters and calls the listeners. */
  void fire() {
    event.incrementAndGet();
    wake();
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        LOG.warn("change listener {} of {} failed", l, key, e);
      }
    }
  }

  /** Wakes the threads in {@link #await} so that they look again (a notification, a handle closed). */
  public void wake() {
    if (waiters.get() > 0) {
      synchronized (monitor) {
        monitor.notifyAll();
      }
    }
  }

  /** Calls {@code listener} on every notification until the result is closed. */
  public Subscription onChange(Runnable listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** A condition {@link #await} waits for. */
  @FunctionalInterface
  public interface Condition {
    boolean holds();
  }

  /**
   * Blocks until {@code done} holds (checked after every notification and {@link #wake}) or {@code
   * timeoutNanos} pass.
   *
   * @return whether {@code done} holds at the end
   */
  public boolean await(Condition done, long timeoutNanos) throws InterruptedException {
    if (done.holds() || timeoutNanos <= 0) {
      return done.holds();
    }
    long deadline = System.nanoTime() + timeoutNanos;
    waiters.incrementAndGet();
    try {
      synchronized (monitor) {
        while (!done.holds()) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(monitor, left);
        }
        return true;
      }
    } finally {
      waiters.decrementAndGet();
    }
  }

  @Override
  public String toString() {
    return "events of " + key + " at " + event;
  }
}
