package io.cgdev.drm;

import io.cgdev.api.Stability;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a GPU driver plugin tells the DRM core about itself (the kernel's {@code struct drm_driver}):
 * its name, its feature bits and the controllers it offers its resources to. Immutable.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public interface DrmDriver {
  /** The memory controller's name. */
  String MEMORY = "memory";
  /** The cpu controller's name. */
  String CPU = "cpu";
  /** The cpuset controller's name. */
  String CPUSET = "cpuset";

  /** The driver's name, as fdinfo's {@code drm-driver} shows it, e.g. {@code i915}. */
  String name();

  /** The feature bits. */
  Set<DriverFeature> features();

  /**
   * The controllers the driver offers its devices to when {@link DriverFeature#DRIVER_CGROUPS} is
   * set: memory governs regions, cpu and cpuset govern engines (cpuset also regions). Only those
   * present in the hierarchy are bound.
   */
  default Set<String> controllers() {
    return Set.of(MEMORY, CPU, CPUSET);
  }

  /** The memory stats a driver's fdinfo prints besides {@code drm-total-} and {@code drm-shared-}. */
  enum MemoryStatus {
    /** {@code drm-active-<region>}: objects in use by a queued or running batch. */
    ACTIVE,
    /** {@code drm-resident-<region>}: objects with pages in the region. */
    RESIDENT,
    /** {@code drm-purgeable-<region>}: idle objects the client marked as not needed. */
    PURGEABLE
  }

  /**
   * The engine classes in the order this driver's fdinfo prints them, given the device's classes in
   * engine order. By default engine order; i915 prints its uabi class order.
   */
  default List<String> fdinfoEngineClasses(List<String> classes) {
    return classes;
  }

  /** The memory stats this driver's fdinfo supports beyond total and shared; by default active and resident. */
  default Set<MemoryStatus> fdinfoMemoryStatus() {
    return EnumSet.of(MemoryStatus.ACTIVE, MemoryStatus.RESIDENT);
  }

  /** Whether a feature bit is set. */
  default boolean hasFeature(DriverFeature feature) {
    return features().contains(feature);
  }

  /** A driver description made of a name, features and controllers. */
  static DrmDriver of(String name, Set<DriverFeature> features, Set<String> controllers) {
    Set<DriverFeature> f = Set.copyOf(features);
    Set<String> c = Set.copyOf(controllers);
    return new DrmDriver() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Set<DriverFeature> features() {
        return f;
      }

      @Override
      public Set<String> controllers() {
        return c;
      }

      @Override
      public String toString() {
        return name + f;
      }
    };
  }
}
