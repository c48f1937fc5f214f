package io.cgdev.drm.sim;

import io.cgdev.api.Stability;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.TimeSharing;

/**
 * What the {@link EngineScheduler} asks the cgroup side of a device: who picks the next client (the
 * cpu controller's {@link TimeSharing}, if any) and which engines a cgroup may use (cpuset). The
 * scheduler's one port to the DRM model, so the simulation knows nothing of devices, files or GEM.
 *
 * <p>{@link #timeSharing} and {@link #allowsEngine} are called under the device lock and must not
 * block on anything that waits for it; {@link #takeMasksChanged} too, while the change it reports is
 * raised on any thread.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public interface EnginePolicy {
  /** No cgroups: round-robin among clients, every engine allowed, masks never change. */
  EnginePolicy ROUND_ROBIN = everyEngine(null);

  /**
   * A policy without cpuset: every engine allowed and masks that never change, with {@code
   * timeSharing} picking the clients ({@code null}: round-robin).
   */
  static EnginePolicy everyEngine(TimeSharing timeSharing) {
    return new EnginePolicy() {
      @Override
      public TimeSharing timeSharing() {
        return timeSharing;
      }

      @Override
      public boolean allowsEngine(CgroupHandle cgroup, int engine) {
        return true;
      }

      @Override
      public boolean takeMasksChanged() {
        return false;
      }
    };
  }

  /** The cpu controller's capability, or {@code null}: clients then share engines round-robin. */
  TimeSharing timeSharing();

  /**
   * Whether cpuset lets {@code cgroup} (null: no cgroup) run on an engine, by index. The scheduler keeps
   * the answer per client until {@link #takeMasksChanged} reports a change (or the client's cgroup
   * changes), so every change of an answer must be reported there.
   */
  boolean allowsEngine(CgroupHandle cgroup, int engine);

  /**
   * Whether some cgroup's engine mask changed since the last call (or what {@link #allowsEngine} answers
   * changed otherwise, e.g. cpuset came or went); clears the flag.
   */
  boolean takeMasksChanged();
}
