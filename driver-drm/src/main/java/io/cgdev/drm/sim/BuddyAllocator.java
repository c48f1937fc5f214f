package io.cgdev.drm.sim;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A binary buddy allocator in the style of the kernel's drm_buddy: the region is cut into
 * power-of-two root blocks; a block of order {@code k} is {@code chunk << k} bytes; allocation
 * splits larger blocks, freeing merges a block with its free buddy. A request that is not a power of
 * two is served by several blocks (largest first, falling back to smaller orders when fragmented),
 * as drm_buddy does without its contiguous flag; the lowest free address wins, so results are
 * deterministic.
 *
 * <p>Not thread-safe: the DRM model calls it under its device lock.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class BuddyAllocator extends AbstractRegionAllocator {
  private final int maxOrder;
  /** Free block offsets per order, lowest address first. */
  private final List<TreeSet<Long>> free = new ArrayList<>();
  /**
   * Allocated block to its order, keyed by {@link #key}: a block's offset is a multiple of its size, a
   * large power of two, so offsets share their low bits, and as {@code Long} keys they piled up in a few
   * buckets of the map (treeified bins searched on every allocation and free).
   */
  private final Map<Long, Integer> allocated = new HashMap<>();
  /** Root block base to its order. */
  private final TreeMap<Long, Integer> roots = new TreeMap<>();

  /**
   * A buddy allocator over {@code size} bytes (rounded down to the chunk size).
   *
   * @throws CgroupException {@code EINVAL} if the chunk is not a power of two of at least 4 KiB, or
   *     the size is smaller than one chunk
   */
  public BuddyAllocator(long size, long chunk) {
    super(checkedSize(size, chunk), chunk);
    long chunks = capacity() / chunk;
    this.maxOrder = 63 - Long.numberOfLeadingZeros(chunks);
    for (int k = 0; k <= maxOrder; k++) {
      free.add(new TreeSet<>());
    }
    long offset = 0;
    while (chunks > 0) {
      int order = 63 - Long.numberOfLeadingZeros(chunks);
      roots.put(offset, order);
      free.get(order).add(offset);
      offset += chunk << order;
      chunks -= 1L << order;
    }
  }

  /** {@code size}, once the chunk and the size are known to make a buddy allocator. */
  private static long checkedSize(long size, long chunk) {
    if (chunk < 4096 || Long.bitCount(chunk) != 1) {
      throw CgroupException.of(Errno.EINVAL, "buddy chunk must be a power of two >= 4096, got %d", chunk);
    }
    if (size < chunk) {
      throw CgroupException.of(Errno.EINVAL, "buddy size %d is smaller than the chunk %d", size, chunk);
    }
    return size;
  }

  @Override
  public List<Block> allocate(long size) {
    long remaining = fit(size) / chunk;
    if (remaining == 0) {
      return List.of();
    }
    List<Block> got = new ArrayList<>();
    while (remaining > 0) {
      int order = Math.min(63 - Long.numberOfLeadingZeros(remaining), maxOrder);
      long offset = -1;
      for (; order >= 0; order--) {
        offset = allocBlock(order);
        if (offset >= 0) {
          break;
        }
      }
      if (offset < 0) {
        free(got); // cannot happen while avail covers the request, but never leak
        return List.of();
      }
      got.add(new Block(offset, chunk << order));
      remaining -= 1L << order;
    }
    return List.copyOf(got);
  }

  /** Takes one free block of exactly {@code order}, splitting a larger one if needed; -1 if none. */
  private long allocBlock(int order) {
    int k = order;
    while (k <= maxOrder && free.get(k).isEmpty()) {
      k++;
    }
    if (k > maxOrder) {
      return -1;
    }
    long offset = free.get(k).pollFirst();
    while (k > order) { // split: keep the lower half, free the upper half
      k--;
      free.get(k).add(offset + (chunk << k));
    }
    allocated.put(key(offset), order);
    take(chunk << order);
    return offset;
  }

  @Override
  public void free(List<Block> blocks) {
    for (Block b : blocks) {
      Integer order = allocated.remove(key(b.offset()));
      if (order == null || (chunk << order) != b.size()) {
        throw new IllegalStateException("freeing a block that is not allocated: " + b);
      }
      give(b.size());
      merge(b.offset(), order);
    }
  }

  /**
   * An offset as a map key whose hash spreads over the map's buckets: multiplied by an odd constant (a
   * bijection, so distinct offsets stay distinct keys) and rotated so that the product's well-mixed high
   * half becomes the low half that {@code Long.hashCode} and the map's bucket index read.
   */
  private static long key(long offset) {
    return Long.rotateLeft(offset * 0x9E3779B97F4A7C15L, 32);
  }

  private void merge(long offset, int order) {
    Map.Entry<Long, Integer> root = roots.floorEntry(offset);
    long base = root.getKey();
    while (order < root.getValue()) {
      long buddy = base + ((offset - base) ^ (chunk << order));
      if (!free.get(order).remove(buddy)) {
        break;
      }
      offset = Math.min(offset, buddy);
      order++;
    }
    free.get(order).add(offset);
  }

  @Override
  public long largestFree() {
    for (int k = maxOrder; k >= 0; k--) {
      if (!free.get(k).isEmpty()) {
        return chunk << k;
      }
    }
    return 0;
  }

  @Override
  public long freeBlocks() {
    long n = 0;
    for (TreeSet<Long> f : free) {
      n += f.size();
    }
    return n;
  }

  /** Free blocks per order (index = order), for stats and tests; a copy. */
  public long[] freeBlocksByOrder() {
    long[] counts = new long[maxOrder + 1];
    for (int k = 0; k <= maxOrder; k++) {
      counts[k] = free.get(k).size();
    }
    return counts;
  }

  /** Number of root blocks the region was cut into. */
  public int rootCount() {
    return roots.size();
  }

  /** Every free block, for tests: offset and size, lowest address first. */
  public List<Block> freeList() {
    TreeMap<Long, Long> all = new TreeMap<>();
    for (int k = 0; k <= maxOrder; k++) {
      for (long o : free.get(k)) {
        all.put(o, chunk << k);
      }
    }
    List<Block> out = new ArrayList<>();
    all.forEach((o, s) -> out.add(new Block(o, s)));
    return out;
  }
}
