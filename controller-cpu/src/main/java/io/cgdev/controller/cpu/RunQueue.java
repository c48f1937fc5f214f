package io.cgdev.controller.cpu;

import java.util.Arrays;

/**
 * The active children of one group on one engine, ordered by virtual time (the kernel's cfs_rq):
 * an indexed binary min-heap, so the first entity is O(1) and an insert, removal or re-keying is
 * O(log n) without allocation. Keeps a monotonic minimum virtual time that rejoining entities are
 * placed against. Guarded by the binding's lock.
 */
final class RunQueue {
  private final GroupEntity owner;
  private SchedEntity[] heap = new SchedEntity[4];
  private int size;
  private long minVruntime;

  RunQueue(GroupEntity owner) {
    this.owner = owner;
  }

  /** The group this queue belongs to. */
  GroupEntity owner() {
    return owner;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The entity with the smallest virtual time, or {@code null}. */
  SchedEntity first() {
    return size == 0 ? null : heap[0];
  }

  /** The entity at heap position {@code i} (for invariant checks). */
  SchedEntity at(int i) {
    return heap[i];
  }

  /**
   * The queue's virtual clock: never decreases, follows the smallest virtual time while the queue is
   * busy and stays put while it is empty.
   */
  long minVruntime() {
    if (size > 0 && heap[0].vruntime > minVruntime) {
      minVruntime = heap[0].vruntime;
    }
    return minVruntime;
  }

  void add(SchedEntity e) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    place(e, size);
    size++;
    siftUp(size - 1);
    minVruntime();
  }

  void remove(SchedEntity e) {
    int i = e.heapIndex;
    size--;
    SchedEntity last = heap[size];
    heap[size] = null;
    e.heapIndex = -1;
    if (i != size) {
      place(last, i);
      siftDown(i);
      siftUp(last.heapIndex);
    }
  }

  /** Restores the order after {@code e}'s virtual time grew. */
  void increased(SchedEntity e) {
    siftDown(e.heapIndex);
    minVruntime();
  }

  private static boolean before(SchedEntity a, SchedEntity b) {
    return a.vruntime < b.vruntime || (a.vruntime == b.vruntime && a.seq < b.seq);
  }

  /** Puts {@code e} at slot {@code i}: the heap and the entity's index of itself change together. */
  private void place(SchedEntity e, int i) {
    heap[i] = e;
    e.heapIndex = i;
  }

  private void siftUp(int i) {
    SchedEntity e = heap[i];
    while (i > 0) {
      int p = (i - 1) >>> 1;
      SchedEntity pe = heap[p];
      if (!before(e, pe)) {
        break;
      }
      place(pe, i);
      i = p;
    }
    place(e, i);
  }

  private void siftDown(int i) {
    SchedEntity e = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int c = 2 * i + 1;
      SchedEntity ce = heap[c];
      int r = c + 1;
      if (r < size && before(heap[r], ce)) {
        c = r;
        ce = heap[r];
      }
      if (!before(ce, e)) {
        break;
      }
      place(ce, i);
      i = c;
    }
    place(e, i);
  }
}
