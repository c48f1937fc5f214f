package io.cgdev.api.spi;

import io.cgdev.api.Stability;

/** Where an interface file appears, as the kernel's cftype flags. */
@Stability(Stability.Status.STABLE)
public enum FileFlag {
  /** Only in the root cgroup (e.g. a device's capacity). */
  ONLY_ON_ROOT,
  /** Everywhere except the root (e.g. limits, which the root never has). */
  NOT_ON_ROOT,
  /**
   * A pressure stall file (the kernel's {@code CFTYPE_PRESSURE}, e.g. {@code cpu.pressure}): while
   * its cgroup's {@code cgroup.pressure} is 0 the file is hidden — absent from listings, not found
   * by name — and its open handles are gone ({@code ENODEV}) and released, as the kernel hides the
   * file with {@code kernfs_show(kn, false)}.
   */
  PRESSURE
}
