package io.cgdev.api.spi;

import io.cgdev.api.Stability;

/**
 * An opaque token the core hands to a controller for each device binding; {@link
 * CgroupHandle#state(StateKey)} turns it and a cgroup into that cgroup's state in O(1). Plugins never
 * implement it.
 *
 * @param <S> the controller's state type
 */
@Stability(Stability.Status.STABLE)
public interface StateKey<S extends DeviceState> {
  /** The registration this key belongs to. */
  DeviceRegistration registration();
}
