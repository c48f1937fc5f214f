package io.cgdev.plugin.support;

import io.cgdev.api.Stability;

/**
 * The two kinds of stall a pressure file reports (the kernel's {@code PSI_*_SOME} and {@code
 * PSI_*_FULL}): {@link #SOME} while at least one client is delayed, {@link #FULL} while clients are
 * delayed and none is productive.
 */
@Stability(value = Stability.Status.EXPERIMENTAL, since = "0.2")
public enum Stall {
  /** At least one client is delayed. */
  SOME,
  /** Clients are delayed and none is productive: the group makes no progress at all. */
  FULL;

  /** The word a pressure file and a trigger use: {@code some} or {@code full}. */
  public String label() {
    return this == SOME ? "some" : "full";
  }
}
