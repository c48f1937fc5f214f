package io.cgdev.api.spi;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Stability;
import java.util.Optional;

/**
 * One controller bound to one device registration: it creates that controller's states for the
 * device and serves the capabilities drivers use ({@link MemoryCharging}, {@link TimeSharing}, {@link
 * EngineMask}, or a third party's). Made by {@link Controller#bind}.
 *
 * <p>{@link #createState}, {@link #checkReleased} and {@link #unbind} are called under the hierarchy
 * lock; capabilities are called from any thread.
 *
 * @param <S> the controller's state type
 */
@Stability(Stability.Status.STABLE)
public interface DeviceBinding<S extends DeviceState> {
  /**
   * Creates the state of one cgroup. Called for every live cgroup when the device binds (parents
   * first) and for every cgroup created later. Must not throw.
   *
   * @param cgroup the cgroup the state belongs to
   * @param parent the parent cgroup's state, {@code null} for the root
   */
  S createState(CgroupHandle cgroup, S parent);

  /**
   * The capability of the given type this binding offers to the driver. The default offers the
   * binding itself when it implements the type.
   */
  default <T> Optional<T> capability(Class<T> type) {
    return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
  }

  /**
   * Refuses to let the device go while the driver still holds resources charged through this
   * binding.
   *
   * @throws CgroupException {@code EBUSY} naming what is still charged (e.g. "local0: 4096 bytes
   *     charged to /a")
   */
  default void checkReleased() {}

  /**
   * The device is gone: every state has been offlined and freed. From now on every capability call
   * must fail with {@code ENODEV}. Must not throw.
   */
  default void unbind() {}
}
