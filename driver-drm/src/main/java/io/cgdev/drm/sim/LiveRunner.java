package io.cgdev.drm.sim;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Stability;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live mode of a simulated device: a daemon thread that, every millisecond, advances the device's
 * simulated time by the real time that passed (the {@code runFor} it is started with), so batches
 * run while the caller does something else. It stops on {@link #stop} or when {@code runFor} fails
 * (the device unplugged).
 *
 * <p>Lock: {@link #start} expects the caller to hold the device lock; {@link #stop} takes it only to
 * take the thread, then joins it outside, because the thread needs the lock to make progress. The
 * live flag is volatile for {@link #isLive} readers on any thread.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class LiveRunner {
  private static final Logger LOG = LoggerFactory.getLogger(LiveRunner.class);

  private final Object lock;
  private final String device;
  private Thread thread;
  private volatile boolean live;

  /**
   * @param lock the device lock {@code runFor} takes
   * @param device the device name, for the thread's name and messages
   */
  public LiveRunner(Object lock, String device) {
    this.lock = lock;
    this.device = device;
  }

  /** Under the device lock: starts a thread that calls {@code runFor} with the real time passed; idempotent. */
  public void start(LongConsumer runFor) {
    assert Thread.holdsLock(lock);
    if (thread != null) {
      return;
    }
    live = true;
    thread = Thread.ofPlatform().daemon().name("drm-live-" + device).start(() -> loop(runFor));
  }

  private void loop(LongConsumer runFor) {
    long last = System.nanoTime();
    while (live) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      long t = System.nanoTime();
      try {
        runFor.accept(t - last);
      } catch (CgroupException e) {
        LOG.warn("{}: live loop stopped: {}", device, e.toString());
        return;
      }
      last = t;
    }
  }

  /** Without the device lock: stops the thread and waits for it; idempotent. */
  public void stop() {
    Thread t;
    synchronized (lock) {
      t = thread;
      thread = null;
      live = false;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Whether the thread runs (or was started and not yet stopped). */
  public boolean isLive() {
    return live;
  }
}
