package io.cgdev.api;

import java.util.BitSet;

/**
 * The list format of {@code cpuset.cpus}: comma-separated numbers and ranges, e.g. {@code 0-3,7}.
 * Parsing accepts any order and overlap; formatting is canonical (ascending, runs of two or more
 * written {@code a-b}); the empty list is the empty string. Ids are ASCII digits; white space is the
 * kernel's ({@link KernelText}).
 */
@Stability(Stability.Status.STABLE)
public final class IdList {
  /** The largest id accepted, so a typo cannot allocate a huge bit set. */
  public static final int MAX_ID = 65_535;

  private IdList() {}

  /**
   * Parses a list.
   *
   * @throws CgroupException {@code EINVAL} for malformed input or a reversed range, {@code ERANGE} for
   *     an id above {@link #MAX_ID}
   */
  public static BitSet parse(String text) {
    BitSet ids = new BitSet();
    String s = KernelText.strip(text);
    if (s.isEmpty()) {
      return ids;
    }
    for (String item : s.split(",", -1)) {
      String t = KernelText.strip(item);
      int dash = t.indexOf('-');
      int from = parseId(KernelText.strip(dash < 0 ? t : t.substring(0, dash)), text);
      int to = dash < 0 ? from : parseId(KernelText.strip(t.substring(dash + 1)), text);
      if (to < from) {
        throw CgroupException.of(Errno.EINVAL, "invalid list '%s': range %s is reversed", text, t);
      }
      ids.set(from, to + 1);
    }
    return ids;
  }

  private static int parseId(String t, String text) {
    if (!KernelText.isDigits(t)) {
      throw CgroupException.of(Errno.EINVAL, "invalid list '%s': expected numbers and ranges like 0-3,7", text);
    }
    if (t.length() > 6 || Integer.parseInt(t) > MAX_ID) {
      throw CgroupException.of(Errno.ERANGE, "invalid list '%s': id %s above %d", text, t, MAX_ID);
    }
    return Integer.parseInt(t);
  }

  /** Formats canonically, e.g. {@code 0-3,7}; empty for an empty set. */
  public static String format(BitSet ids) {
    StringBuilder sb = new StringBuilder();
    for (int from = ids.nextSetBit(0); from >= 0; ) {
      int to = ids.nextClearBit(from) - 1;
      if (!sb.isEmpty()) {
        sb.append(',');
      }
      sb.append(from);
      if (to > from) {
        sb.append('-').append(to);
      }
      from = ids.nextSetBit(to + 1);
    }
    return sb.toString();
  }
}
