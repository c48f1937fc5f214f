package io.cgdev.sim;

import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * The buffers a stream holds, oldest first: added at the end, freed from the front, and read by
 * position (a batch uses the buffers in turn). Every operation is O(1) (adding amortised), where a
 * copy of a deque per batch was linear in the number of buffers. Not thread-safe.
 *
 * @param <B> what identifies a buffer (a GEM handle, a plugin allocation)
 */
final class BufferRing<B> {
  private Object[] items = new Object[4];
  private int head;
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void addLast(B item) {
    if (size == items.length) {
      Object[] grown = new Object[items.length * 2];
      for (int i = 0; i < size; i++) {
        grown[i] = items[(head + i) % items.length];
      }
      items = grown;
      head = 0;
    }
    items[(head + size) % items.length] = item;
    size++;
  }

  /** Takes the oldest buffer out; {@code null} when empty. */
  B pollFirst() {
    if (size == 0) {
      return null;
    }
    B first = at(head);
    items[head] = null;
    head = (head + 1) % items.length;
    size--;
    return first;
  }

  /** The {@code i}-th buffer, oldest first. */
  B get(int i) {
    if (i < 0 || i >= size) {
      throw new NoSuchElementException("buffer " + i + " of " + size);
    }
    return at((head + i) % items.length);
  }

  @SuppressWarnings("unchecked") // only Bs are stored
  private B at(int slot) {
    return (B) items[slot];
  }

  @Override
  public String toString() {
    return "BufferRing" + Arrays.toString(java.util.stream.IntStream.range(0, size).mapToObj(this::get).toArray());
  }
}
