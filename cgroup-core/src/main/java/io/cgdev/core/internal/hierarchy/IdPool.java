package io.cgdev.core.internal.hierarchy;

import java.util.BitSet;

/**
 * Dense non-negative int ids, the lowest free one first, reused after release (the kernel's
 * cgroup idr and the state slots, one per binding). Not thread-safe: used under the hierarchy lock.
 */
public final class IdPool {
  private final BitSet used = new BitSet();
  private int lowestFree;

  /** Takes the lowest free id. */
  public int allocate() {
    int id = used.nextClearBit(lowestFree);
    used.set(id);
    lowestFree = id + 1;
    return id;
  }

  /** Gives an id back; releasing a free id is a bug. */
  public void release(int id) {
    if (!used.get(id)) {
      throw new IllegalStateException("id " + id + " is not allocated");
    }
    used.clear(id);
    if (id < lowestFree) {
      lowestFree = id;
    }
  }

  /** How many ids are taken. */
  public int inUse() {
    return used.cardinality();
  }

  /** One more than the highest id taken, 0 when none is. */
  public int highWater() {
    return used.length();
  }
}
