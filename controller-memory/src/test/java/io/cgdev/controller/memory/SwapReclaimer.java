package io.cgdev.controller.memory;

import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.ReclaimRequest;
import io.cgdev.api.spi.Reclaimer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A fake driver whose eviction is swap, as a GPU driver's is: buffers in LRU order, oldest first;
 * a request evicts buffers charged in its scope that {@link ReclaimRequest#mayEvict} allows, moving
 * each one's charge to swap ({@link MemoryCharging#swapOut}); a buffer whose swap-out {@code
 * memory.swap.max} refuses stays resident. Thread-safe.
 */
final class SwapReclaimer implements Reclaimer {
  /** One buffer: resident (its memory pool) or evicted (its swap pool). */
  static final class Buffer {
    final long bytes;
    MemoryCharging.Pool pool;
    MemoryCharging.SwapPool swap;

    Buffer(MemoryCharging.Pool pool, long bytes) {
      this.pool = pool;
      this.bytes = bytes;
    }

    boolean resident() {
      return pool != null;
    }
  }

  private final List<Buffer> lru = new ArrayList<>();
  private volatile MemoryCharging charging;

  void connect(MemoryCharging charging) {
    this.charging = charging;
  }

  /** Charges and holds a buffer (newest last). */
  synchronized Buffer allocate(CgroupHandle owner, long bytes) {
    Buffer b = new Buffer(charging.charge(owner, 0, bytes), bytes);
    lru.add(b);
    return b;
  }

  /** Frees a buffer wherever it is: memory or swap goes back. */
  synchronized void free(Buffer b) {
    lru.remove(b);
    if (b.resident()) {
      charging.uncharge(b.pool, b.bytes);
    } else {
      charging.uncharge(b.swap, b.bytes);
    }
  }

  /** Brings an evicted buffer back into device memory (most recently used). */
  synchronized void swapIn(Buffer b) {
    b.pool = charging.swapIn(b.swap, b.bytes);
    b.swap = null;
    lru.remove(b);
    lru.add(b);
  }

  synchronized List<Buffer> buffers() {
    return List.copyOf(lru);
  }

  @Override
  public synchronized long reclaim(ReclaimRequest request) {
    long freed = 0;
    for (Iterator<Buffer> it = lru.iterator(); it.hasNext() && freed < request.bytes(); ) {
      Buffer b = it.next();
      if (!b.resident() || !b.pool.cgroup().isDescendantOf(request.scope()) || !request.mayEvict(b.pool.cgroup())) {
        continue;
      }
      MemoryCharging.SwapPool swap = charging.swapOut(b.pool, b.bytes);
      if (swap == null) {
        continue; // memory.swap.max: it stays resident
      }
      b.swap = swap;
      b.pool = null;
      freed += b.bytes;
    }
    return freed;
  }
}
