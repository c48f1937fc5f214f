package io.cgdev.drm;

import io.cgdev.api.CgroupException;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live mode: a daemon thread that, every millisecond, advances the device's simulated time by the
 * real time that passed (the device's {@code runFor}), so batches run while the caller does
 * something else. It stops on {@link #stop} or when {@code runFor} fails (the device unplugged).
 *
 * <p>Lock: {@link #start} expects the caller to hold the device lock; {@link #stop} takes it only to
 * take the thread, then joins it outside, because the thread needs the lock to make progress. The
 * live flag is volatile for {@link #isLive} readers on any thread.
 */
final class LiveRunner {
  // logs under DrmDevice's name, as before this class was split out of it
  private static final Logger LOG = LoggerFactory.getLogger(DrmDevice.class);

  private final Object lock;
  private final String device;
  private Thread thread;
  private volatile boolean live;

  LiveRunner(Object lock, String device) {
    this.lock = lock;
    this.device = device;
  }

  /** Under the device lock: starts a thread that calls {@code runFor} with the real time passed; idempotent. */
  void start(LongConsumer runFor) {
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
  void stop() {
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

  boolean isLive() {
    return live;
  }
}
