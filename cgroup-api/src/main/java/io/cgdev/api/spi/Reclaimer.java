package io.cgdev.api.spi;

import io.cgdev.api.Stability;

/**
 * Implemented by a driver whose device memory can be evicted; called by the memory controller when
 * a charge hits a limit, when a limit is lowered below usage, or when the driver asks for room.
 *
 * <p>The controller decides <em>whose</em> memory may go ({@link ReclaimRequest#mayEvict}); the
 * driver decides <em>which</em> of its objects (e.g. least recently used, neither pinned nor active)
 * and moves or frees them, uncharging as it goes. Called on the charging or writing thread, possibly
 * under the hierarchy lock (limit writes), never under a driver lock the controller knows of: the
 * driver must not block on work that waits for the hierarchy lock.
 */
@Stability(Stability.Status.STABLE)
@FunctionalInterface
public interface Reclaimer {
  /** For devices that cannot evict: frees nothing. */
  Reclaimer NONE = request -> 0;

  /**
   * Evicts memory of the requested region charged below {@link ReclaimRequest#scope()}, skipping
   * objects whose owner {@link ReclaimRequest#mayEvict} refuses, until {@link ReclaimRequest#bytes()}
   * are freed or nothing more can go.
   *
   * @return bytes actually uncharged from the region
   */
  long reclaim(ReclaimRequest request);
}
