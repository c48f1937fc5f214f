package io.cgdev.api.spi;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Stability;
import java.util.Optional;

/**
 * A registered device: the driver's handle to the controllers that govern it. Thread-safe.
 */
@Stability(Stability.Status.STABLE)
public interface DeviceRegistration {
  /** The device name, as in the file view. */
  default String name() {
    return spec().name();
  }

  /** What was registered. */
  DeviceSpec spec();

  /**
   * The controllers that govern the device: those its spec named whose {@code bind} and state
   * creation succeeded. A controller that failed for this device is left out (the core reports it as
   * {@code CGDEV-PLUGIN-FAULT}); a driver that cannot work without it unregisters, or throws from its
   * probe, which the core undoes. By default the spec's controllers.
   */
  @Stability(value = Stability.Status.STABLE, since = "0.2")
  default java.util.Set<String> controllers() {
    return spec().controllers();
  }

  /** False once unregistered. */
  boolean registered();

  /**
   * The capability of the given type offered by one of the bound controllers, e.g. {@code
   * capability(MemoryCharging.class)}; empty if no bound controller offers it. Look it up once and
   * keep it: it is the hot path.
   *
   * @throws CgroupException {@code ENODEV} after unregistration
   */
  <T> Optional<T> capability(Class<T> type);

  /**
   * Detaches the device from every cgroup: states are offlined and freed children first, and later
   * capability calls fail with {@code ENODEV}. Takes the hierarchy lock.
   *
   * @throws CgroupException {@code EBUSY} naming what is still charged, while the driver holds
   *     charges; nothing changes then. {@code ENODEV} if already unregistered.
   */
  void unregister();
}
