package io.cgdev.api.spi;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Stability;
import java.util.BitSet;

/**
 * The cpuset controller's capability for a device: which engines ({@code cpuset.cpus.effective}) and
 * memory regions ({@code cpuset.mems.effective}) a cgroup may use. Obtain it from {@link
 * DeviceRegistration#capability}. Reads are lock-free and see a consistent snapshot: a change of the
 * masks reaches all descendants at once.
 */
@Stability(Stability.Status.STABLE)
public interface EngineMask {
  /**
   * The engines (by index into {@link DeviceSpec#engines()}) a cgroup may use now; a copy.
   *
   * @throws CgroupException {@code ENODEV} after the device unregistered
   */
  BitSet engines(CgroupHandle cgroup);

  /** The regions (by index into {@link DeviceSpec#regions()}) a cgroup may use now; a copy. */
  BitSet regions(CgroupHandle cgroup);

  /** Whether a cgroup may use an engine now; no allocation. */
  boolean allowsEngine(CgroupHandle cgroup, int engine);

  /** Whether a cgroup may use a region now; no allocation. */
  boolean allowsRegion(CgroupHandle cgroup, int region);

  /**
   * Subscribes to changes. The listener is called after a change is visible, on the writer's thread
   * while the hierarchy lock is held, so it must only note the change or hand it off (e.g. mark
   * clients to move off engines they lost) and never call back into the file view.
   *
   * @return closing it unsubscribes
   */
  AutoCloseable onChange(Listener listener);

  /** Told when effective masks change. */
  @FunctionalInterface
  interface Listener {
    /** The effective masks of {@code cgroup} and possibly its descendants changed. */
    void masksChanged(CgroupHandle cgroup);
  }
}
