package io.cgdev.api.spi;

import io.cgdev.api.Stability;

/**
 * One controller's state for one cgroup and one device registration (the kernel's per-device
 * cgroup_subsys_state). Created by {@link DeviceBinding#createState}, which is given the parent's
 * state; controllers keep that parent link themselves where they need it (counters walk it).
 *
 * <p>Lifecycle, driven by the core under its hierarchy lock: {@link #online()} once the state is
 * reachable (parents are onlined before children); {@link #offline()} when its cgroup is removed or
 * the device unregisters (children before parents); {@link #free()} when it is gone for good. A
 * removed cgroup whose state still reports {@link #drained()} false is kept as a dying cgroup until
 * every state drains. No method may throw.
 */
@Stability(Stability.Status.STABLE)
public interface DeviceState {
  /** The state has become reachable from its cgroup. */
  default void online() {}

  /** The cgroup was removed or the device is going away; no new charges will be made here. */
  default void offline() {}

  /** The state is gone; release what it holds. Called once, after {@link #offline()}. */
  default void free() {}

  /**
   * The cgroup's {@code cgroup.pressure} was switched (the kernel's {@code psi->enabled}): a
   * controller that keeps pressure stall information for the state stops accumulating it while
   * {@code on} is false and restarts from the present state when it is true again (e.g. {@code
   * PressureGroup.enabled(on)} of cgroup-plugin-support); the cgroup's {@link FileFlag#PRESSURE}
   * files are hidden meanwhile by the core. Called by the core under the hierarchy lock, on the
   * writer's thread: for every state of the cgroup when the value changes, and once right after
   * {@link #online()} for a state made in a cgroup whose value is 0. Must be quick; must not throw
   * (a throw is reported and ignored). Does nothing by default.
   */
  default void accountPressure(boolean on) {}

  /**
   * False while this state still holds something that keeps its removed cgroup dying (e.g. bytes
   * still charged). Polled by the core, from any thread; must be cheap and lock-free.
   */
  default boolean drained() {
    return true;
  }
}
