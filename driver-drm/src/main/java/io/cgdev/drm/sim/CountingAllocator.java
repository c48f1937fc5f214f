package io.cgdev.drm.sim;

import io.cgdev.api.Stability;
import java.util.List;

/**
 * An allocator that only counts bytes: system memory is made of scattered pages, so it has no
 * contiguity to lose. Blocks it hands out carry offset 0.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class CountingAllocator extends AbstractRegionAllocator {
  /** An allocator over {@code capacity} bytes handed out in units of {@code chunk}. */
  public CountingAllocator(long capacity, long chunk) {
    super(capacity, chunk);
  }

  @Override
  public List<Block> allocate(long size) {
    long rounded = fit(size);
    if (rounded == 0) {
      return List.of();
    }
    take(rounded);
    return List.of(new Block(0, rounded));
  }

  @Override
  public void free(List<Block> blocks) {
    for (Block b : blocks) {
      give(b.size());
    }
  }

  @Override
  public long largestFree() {
    return avail();
  }

  @Override
  public long freeBlocks() {
    return avail() > 0 ? 1 : 0;
  }
}
