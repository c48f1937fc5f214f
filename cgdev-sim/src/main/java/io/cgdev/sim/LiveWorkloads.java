package io.cgdev.sim;

import io.cgdev.drm.DrmDevice;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live mode, for {@code cgdev mount}: the devices run in real time ({@link DrmDevice#startLive}),
 * and a daemon thread steps a scenario's {@link Workloads} every {@link #PERIOD_NANOS} by the real
 * time that passed, so that counters move while a user watches the mounted files. Scenario times
 * ({@code start}, {@code stop}) count from {@link #start}; the scenario's {@code duration} does not
 * apply: the workloads run until {@link #close}, nor do its writes at a time ({@code freeze}, {@code
 * kill}, {@code schedule}): write those files through the mount. A tenant frozen that way stops
 * allocating and submitting within one period; a killed one stops for good.
 *
 * <p>Thread-safe: {@link #close} may be called from any thread, several times (a shutdown hook and
 * the serving thread both do); it returns once the thread and the devices have stopped. The
 * workloads are then the caller's again ({@link Workloads#release}).
 */
public final class LiveWorkloads implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveWorkloads.class);
  /** How often the workloads top up their demand (the devices themselves step every millisecond). */
  public static final long PERIOD_NANOS = 10_000_000L;

  private final List<DrmDevice> devices;
  private final Workloads workloads;
  private final Thread thread;
  private volatile boolean running = true;
  private boolean closed;

  private LiveWorkloads(List<DrmDevice> devices, Workloads workloads) {
    this.devices = List.copyOf(devices);
    this.workloads = workloads;
    this.thread = workloads == null ? null : Thread.ofPlatform().daemon().name("cgdev-live-workloads").unstarted(this::loop);
  }

  /**
   * Starts the devices' live loops and, when {@code workloads} is not null, the thread that steps
   * them (they must have been {@link Workloads#start started}). Called once, on the thread that owns
   * the workloads; from then on only the live thread touches them until {@link #close}.
   *
   * @param devices the devices to run in real time (for a scenario: {@link Workloads#devices})
   * @param workloads the workloads to drive, or null to run the devices only
   * @throws io.cgdev.api.CgroupException {@code ENODEV} if a device is not registered
   */
  public static LiveWorkloads start(List<DrmDevice> devices, Workloads workloads) {
    LiveWorkloads live = new LiveWorkloads(devices, workloads);
    live.devices.forEach(DrmDevice::startLive);
    if (live.thread != null) {
      live.thread.start();
    }
    return live;
  }

  private void loop() {
    long start = System.nanoTime();
    long last = start;
    while (running) {
      try {
        Thread.sleep(PERIOD_NANOS / 1_000_000);
      } catch (InterruptedException e) {
        return; // close() wants us gone
      }
      long now = System.nanoTime();
      try {
        workloads.refreshFrozenFromDevices(); // a user may have frozen a tenant through the mount
        workloads.step(now - start, now - last);
      } catch (RuntimeException e) {
        // a device unplugged under us, a plugin that failed: the tree stays mounted, the work stops
        LOG.warn("live workloads stopped: {}", e.toString());
        return;
      }
      last = now;
    }
  }

  /** Whether the workload thread still runs (false without workloads, after close or a failure). */
  public boolean isRunning() {
    return thread != null && thread.isAlive();
  }

  /** Stops the workload thread, then the devices' live loops, and waits for both. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    running = false;
    if (thread != null) {
      thread.interrupt();
      boolean interrupted = false;
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          interrupted = true; // finish stopping first: the caller releases the workloads next
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    devices.forEach(DrmDevice::stopLive);
  }
}
