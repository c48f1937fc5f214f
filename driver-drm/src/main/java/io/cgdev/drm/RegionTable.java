package io.cgdev.drm;

import java.util.Arrays;

/**
 * Values by region name for the few regions of one device, found by a scan: every placement asks
 * whether its region is charged and allowed, and a scan of a handful of names with {@code
 * String.equals} (a direct call on a final class, that usually succeeds on the reference compare) cost
 * less than a hash map, whose shared {@code hashCode} and {@code equals} call sites the JIT may compile
 * as virtual calls, depending on what else it saw first. Not thread-safe: guarded by the device lock.
 *
 * @param <V> the value kept per region
 */
final class RegionTable<V> {
  private String[] names = new String[0];
  private Object[] values = new Object[0];

  /** Sets the value of {@code name}, replacing any. */
  void put(String name, V value) {
    int i = indexOf(name);
    if (i < 0) {
      i = names.length;
      names = Arrays.copyOf(names, i + 1);
      values = Arrays.copyOf(values, i + 1);
      names[i] = name;
    }
    values[i] = value;
  }

  /** The value of {@code name}, or null. */
  @SuppressWarnings("unchecked") // only V is ever put
  V get(String name) {
    int i = indexOf(name);
    return i < 0 ? null : (V) values[i];
  }

  boolean containsKey(String name) {
    return indexOf(name) >= 0;
  }

  boolean isEmpty() {
    return names.length == 0;
  }

  void clear() {
    names = new String[0];
    values = new Object[0];
  }

  private int indexOf(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
