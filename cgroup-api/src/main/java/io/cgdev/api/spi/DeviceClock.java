package io.cgdev.api.spi;

import io.cgdev.api.Stability;

/**
 * A device's monotonic time source in nanoseconds: the real clock for live devices, a simulated one
 * for tests and the demo. Read from any thread; must be cheap and never go backwards.
 */
@Stability(Stability.Status.STABLE)
@FunctionalInterface
public interface DeviceClock {
  /** The real monotonic clock. */
  DeviceClock SYSTEM = System::nanoTime;

  long nanoTime();
}
