package io.cgdev.drm;

/**
 * How GEM placement makes room in a region whose allocator is full: through the memory controller
 * when the region is charged (so that everyone's protection holds), else by evicting idle objects
 * directly. Implemented by {@link GemEvictor}; called under the device lock.
 */
interface EvictionPort {
  /**
   * Tries to free {@code bytes} of {@code region} by moving idle objects out of it.
   *
   * @return bytes moved out (0 when nothing could go)
   */
  long makeRoom(MemoryRegion region, long bytes);
}
