package io.cgdev.api.spi;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Stability;

/**
 * A device driver plugin. Found with {@link java.util.ServiceLoader} ({@code provides
 * io.cgdev.api.spi.DriverProvider with ...}) or handed to the core's builder; created with its public
 * no-argument constructor, once per hierarchy.
 *
 * <p>The core calls {@link #probe} once at boot, after every controller is known, on the booting
 * thread and without holding the hierarchy lock (registering takes it). {@link #remove} is called
 * once when the hierarchy shuts down.
 */
@Stability(Stability.Status.STABLE)
public interface DriverProvider {
  /** The driver's name, e.g. {@code i915}. Must be constant. */
  String name();

  /**
   * Finds the driver's devices and registers them through {@link DriverContext#register}.
   *
   * @throws CgroupException if the driver cannot start; the core reports it with the driver's name
   *     and boots without it
   */
  void probe(DriverContext context);

  /** Unplugs the driver's devices. Must not throw. */
  default void remove() {}
}
