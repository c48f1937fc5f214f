package io.cgdev.controller.cpuset;

/**
 * An immutable table from slot numbers to values, for {@link Snapshot}: a 32-way trie, so that a new
 * generation that changes {@code m} slots of {@code n} copies only the paths to those slots (about
 * {@code m × log32 n} small arrays) and shares the rest with the generation before. Readers of an
 * older table keep seeing it unchanged. A lookup is a few array reads and allocates nothing.
 *
 * <p>Changes go through an {@link Editor}, on one thread (the hierarchy lock's holder); a table is
 * safe to read from any thread once published through a volatile field.
 *
 * @param <T> the values
 */
final class SlotTable<T> {
  private static final int BITS = 5;
  private static final int WIDTH = 1 << BITS;
  private static final int MASK = WIDTH - 1;
  private static final SlotTable<?> EMPTY = new SlotTable<>(new Object[WIDTH + 1], 0);

  /** The top node; slot {@link #WIDTH} of every node holds the editor that may still change it. */
  private final Object[] root;
  /** Bits of the slot number below the top level: 0 when the root holds values itself. */
  private final int shift;

  private SlotTable(Object[] root, int shift) {
    this.root = root;
    this.shift = shift;
  }

  @SuppressWarnings("unchecked") // one shared empty table for every value type
  static <T> SlotTable<T> empty() {
    return (SlotTable<T>) EMPTY;
  }

  /** The value in {@code slot}, {@code null} if none. Any thread. */
  @SuppressWarnings("unchecked") // only Ts are stored in leaves
  T get(int slot) {
    if (slot < 0 || (slot >>> shift) >= WIDTH) {
      return null;
    }
    Object[] node = root;
    for (int s = shift; s > 0; s -= BITS) {
      node = (Object[]) node[(slot >>> s) & MASK];
      if (node == null) {
        return null;
      }
    }
    return (T) node[slot & MASK];
  }

  /** Starts a set of changes to a copy of this table. */
  Editor<T> edit() {
    return new Editor<>(root, shift);
  }

  /**
   * Changes made to a private copy: nodes this editor made are changed in place, nodes shared with
   * the table it started from are copied on first change. {@link #publish} ends it.
   *
   * @param <T> the values
   */
  static final class Editor<T> {
    private Object[] root;
    private int shift;
    /** Marks the nodes this editor made; null once published. */
    private Object token = new Object();

    private Editor(Object[] root, int shift) {
      this.root = root;
      this.shift = shift;
    }

    /** Sets {@code slot} (0 or more) to {@code value}; {@code null} empties it. */
    void set(int slot, T value) {
      if (token == null) {
        throw new IllegalStateException("editor already published");
      }
      if (slot < 0) {
        throw new IllegalArgumentException("negative slot " + slot);
      }
      while ((slot >>> shift) >= WIDTH) {
        if (value == null) {
          return; // beyond the table: already empty
        }
        Object[] top = fresh();
        top[0] = root;
        root = top;
        shift += BITS;
      }
      root = own(root);
      Object[] node = root;
      for (int s = shift; s > 0; s -= BITS) {
        int i = (slot >>> s) & MASK;
        Object[] child = (Object[]) node[i];
        if (child == null && value == null) {
          return;
        }
        child = child == null ? fresh() : own(child);
        node[i] = child;
        node = child;
      }
      node[slot & MASK] = value;
    }

    /** The table with every change made; the editor cannot be used afterwards. */
    SlotTable<T> publish() {
      token = null;
      return new SlotTable<>(root, shift);
    }

    private Object[] fresh() {
      Object[] node = new Object[WIDTH + 1];
      node[WIDTH] = token;
      return node;
    }

    private Object[] own(Object[] node) {
      if (node[WIDTH] == token) {
        return node;
      }
      Object[] copy = node.clone();
      copy[WIDTH] = token;
      return copy;
    }
  }
}
