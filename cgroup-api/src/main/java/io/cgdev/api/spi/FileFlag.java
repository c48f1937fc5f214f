package io.cgdev.api.spi;

import io.cgdev.api.Stability;

/** Where an interface file appears, as the kernel's cftype flags. */
@Stability(Stability.Status.STABLE)
public enum FileFlag {
  /** Only in the root cgroup (e.g. a device's capacity). */
  ONLY_ON_ROOT,
  /** Everywhere except the root (e.g. limits, which the root never has). */
  NOT_ON_ROOT
}
