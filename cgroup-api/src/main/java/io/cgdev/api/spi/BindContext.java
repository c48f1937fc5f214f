package io.cgdev.api.spi;

import io.cgdev.api.Stability;

/**
 * What the core gives a controller when a device binds to it. Valid until the binding is unbound.
 *
 * @param <S> the controller's state type
 */
@Stability(Stability.Status.STABLE)
public interface BindContext<S extends DeviceState> {
  /** The registration being bound: its name and the resources it offers. */
  DeviceRegistration registration();

  /** The key that finds this binding's state in any cgroup: {@code cgroup.state(key())}. */
  StateKey<S> key();

  /** The root cgroup. */
  CgroupHandle root();
}
