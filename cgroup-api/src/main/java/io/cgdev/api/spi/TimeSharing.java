package io.cgdev.api.spi;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Stability;

/**
 * The cpu controller's capability for a device: share engine time among clients by hierarchical
 * weighted fair queueing ({@code cpu.weight}) and cap groups per period ({@code cpu.max}). Obtain it
 * from {@link DeviceRegistration#capability}.
 *
 * <p>A driver opens one {@link Client} per scheduling entity (a DRM file or context), marks it
 * runnable on the engines it has work for (and is allowed on), and when an engine is free asks {@link
 * #pickNext} which client runs; after running it reports the time with {@link Client#ran}. Time is the
 * device's {@link DeviceClock}. Thread-safe; calls for one engine are expected from one thread at a
 * time (the engine's submission thread).
 */
@Stability(Stability.Status.STABLE)
public interface TimeSharing {
  /**
   * Opens a client in a cgroup (the cgroup of the task that opened it).
   *
   * @throws CgroupException {@code ENODEV} after the device unregistered
   */
  Client open(CgroupHandle cgroup, String label);

  /**
   * The client that should run next on an engine: the one with the smallest virtual time among
   * runnable clients, chosen level by level from the root, skipping throttled groups; {@code null}
   * when none is eligible. Call it when the engine is free: a client runs on one engine at a time,
   * so the client returned is not returned for another engine until this engine asks again (or the
   * client closes).
   *
   * @throws CgroupException {@code EINVAL} for an engine index the device does not have
   */
  Client pickNext(int engine);

  /**
   * The earliest device time, in nanoseconds, at which a throttled group gets quota again; {@code
   * Long.MAX_VALUE} when none is throttled. For simulated devices, which jump over idle time instead
   * of waiting for it; a device on the real clock does not need it. Experimental, as everything that
   * only simulation needs ({@link SimulatedClock}): its shape may change with the simulator.
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  long nextUnthrottle();

  /** A scheduling entity. Not shared between engines' threads without the driver's own ordering. */
  interface Client extends AutoCloseable {
    /** The cgroup charged for this client's time. */
    CgroupHandle cgroup();

    /** The label given at open, e.g. {@code drm-client-7}. */
    String label();

    /**
     * Marks the client as having work for an engine, or not. A client that was idle rejoins at the
     * group's current virtual time: idle time earns no credit.
     */
    void setRunnable(int engine, boolean runnable);

    /**
     * Reports that the client ran {@code nanos} on an engine: advances its virtual time and its
     * groups', counts {@code cpu.stat} usage, and consumes {@code cpu.max} quota.
     */
    void ran(int engine, long nanos);

    /** Total nanoseconds this client ran on an engine. */
    long runtime(int engine);

    /** Leaves the scheduler; idempotent. */
    @Override
    void close();
  }
}
