package io.cgdev.drm.sim;

import io.cgdev.api.Stability;
import java.util.List;

/**
 * Hands out the address space of one memory region of a simulated device. Called by the DRM model
 * under its device lock, so implementations need no locking of their own.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public interface RegionAllocator {
  /** A contiguous range of a region, in bytes. */
  record Block(long offset, long size) {}

  /** Bytes the allocator manages. */
  long capacity();

  /** The smallest unit handed out; sizes are rounded up to it. */
  long chunkSize();

  /**
   * Reserves {@code size} bytes (rounded up to {@link #chunkSize()}), possibly as several blocks.
   *
   * @return the blocks, or an empty list (nothing changed) when they do not fit
   */
  List<Block> allocate(long size);

  /** Returns blocks obtained from {@link #allocate}. */
  void free(List<Block> blocks);

  /** Bytes not reserved. */
  long avail();

  /** The largest block that could be handed out in one piece now. */
  long largestFree();

  /** Number of free blocks (1 for an allocator without fragmentation that has room). */
  long freeBlocks();

  /** {@code size} rounded up to a whole number of {@code unit}s. */
  static long roundUp(long size, long unit) {
    return (size + unit - 1) / unit * unit;
  }
}
