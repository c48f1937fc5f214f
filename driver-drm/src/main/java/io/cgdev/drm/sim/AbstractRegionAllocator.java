package io.cgdev.drm.sim;

/**
 * The byte accounting every {@link RegionAllocator} of this package shares: the capacity (the
 * region's size rounded down to whole chunks), the chunk size, and the bytes not reserved. A
 * subclass decides where the bytes lie; it asks {@link #fit} whether a request can be served at
 * all, and reports what it hands out and gets back with {@link #take} and {@link #give}.
 *
 * <p>Not thread-safe, like its subclasses: the DRM model calls them under its device lock.
 */
abstract class AbstractRegionAllocator implements RegionAllocator {
  private final long capacity;
  /** The chunk size, for the subclasses' arithmetic. */
  final long chunk;
  private long avail;

  /**
   * An allocator over {@code size} bytes (rounded down to whole chunks), all of them free. Package
   * private: only this package's allocators share this accounting.
   */
  AbstractRegionAllocator(long size, long chunk) {
    this.capacity = size - size % chunk;
    this.chunk = chunk;
    this.avail = capacity;
  }

  @Override
  public final long capacity() {
    return capacity;
  }

  @Override
  public final long chunkSize() {
    return chunk;
  }

  @Override
  public final long avail() {
    return avail;
  }

  /**
   * {@code size} rounded up to whole chunks if that many bytes are free; 0 when {@code size} is not
   * positive (or overflows when rounded) or the bytes are not free.
   */
  final long fit(long size) {
    long rounded = RegionAllocator.roundUp(size, chunk);
    return rounded <= 0 || rounded > avail ? 0 : rounded;
  }

  /** Counts {@code bytes} handed out. */
  final void take(long bytes) {
    avail -= bytes;
  }

  /** Counts {@code bytes} given back. */
  final void give(long bytes) {
    avail += bytes;
  }

}
