package io.cgdev.drm;

import io.cgdev.api.Stability;
import java.util.List;

/**
 * An allocator that only counts bytes: system memory is made of scattered pages, so it has no
 * contiguity to lose. Blocks it hands out carry offset 0.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class CountingAllocator implements RegionAllocator {
  private final long capacity;
  private final long chunk;
  private long used;

  /** An allocator over {@code capacity} bytes handed out in units of {@code chunk}. */
  public CountingAllocator(long capacity, long chunk) {
    this.capacity = capacity - capacity % chunk;
    this.chunk = chunk;
  }

  @Override
  public long capacity() {
    return capacity;
  }

  @Override
  public long chunkSize() {
    return chunk;
  }

  @Override
  public List<Block> allocate(long size) {
    long rounded = roundUp(size, chunk);
    if (rounded <= 0 || rounded > capacity - used) {
      return List.of();
    }
    used += rounded;
    return List.of(new Block(0, rounded));
  }

  @Override
  public void free(List<Block> blocks) {
    for (Block b : blocks) {
      used -= b.size();
    }
  }

  @Override
  public long avail() {
    return capacity - used;
  }

  @Override
  public long largestFree() {
    return avail();
  }

  @Override
  public long freeBlocks() {
    return avail() > 0 ? 1 : 0;
  }

  static long roundUp(long size, long unit) {
    return (size + unit - 1) / unit * unit;
  }
}
