package io.cgdev.drm;

import io.cgdev.api.Stability;

/**
 * The driver feature bits of the kernel's {@code drm_driver.driver_features}, plus {@link
 * #DRIVER_CGROUPS}: the device registers with the cgroup framework when it is registered.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public enum DriverFeature {
  /** Uses the GEM memory manager. */
  DRIVER_GEM,
  /** Supports mode setting. */
  DRIVER_MODESET,
  /** Has a render node. */
  DRIVER_RENDER,
  /** Supports atomic mode setting. */
  DRIVER_ATOMIC,
  /** Supports sync objects. */
  DRIVER_SYNCOBJ,
  /** Supports timeline sync objects. */
  DRIVER_SYNCOBJ_TIMELINE,
  /** A compute accelerator (accel node). */
  DRIVER_COMPUTE_ACCEL,
  /**
   * Registers the device with the cgroup framework: its GEM objects are charged to the memory
   * controller, its engines shared by the cpu controller and confined by cpuset. Without it nothing
   * is charged and no per-device files appear.
   */
  DRIVER_CGROUPS
}
