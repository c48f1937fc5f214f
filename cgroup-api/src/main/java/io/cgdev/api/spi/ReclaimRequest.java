package io.cgdev.api.spi;

import io.cgdev.api.Stability;

/**
 * One request from the memory controller to a driver's {@link Reclaimer}. Valid only during the
 * {@link Reclaimer#reclaim} call.
 */
@Stability(Stability.Status.STABLE)
public interface ReclaimRequest {
  /** The region to free memory in, e.g. {@code local0}. */
  String region();

  /** Bytes wanted. */
  long bytes();

  /** The cgroup whose limit is hit: only memory charged to it or below it may go. */
  CgroupHandle scope();

  /**
   * Whether memory charged to {@code owner} may be evicted now, judged by effective protection
   * ({@code memory.min}, and {@code memory.low} unless the controller is already ignoring it) relative
   * to {@link #scope()}. Lock-free; call it for every candidate.
   */
  boolean mayEvict(CgroupHandle owner);
}
