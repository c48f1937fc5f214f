package io.cgdev.controller.memory;

import java.math.BigInteger;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Effective memory protection ({@code memory.min}, {@code memory.low}) as the kernel computes it
 * (mm/page_counter.c, {@code effective_protection} and {@code page_counter_calculate_protection}),
 * without the {@code memory_recursiveprot} mount option.
 *
 * <p>Relative to the cgroup whose limit triggered reclaim (the scope): the scope ignores its own
 * protection; its children get their settings as they are; deeper cgroups get {@code min(usage,
 * setting)}, scaled down in proportion when the protected usage of all siblings together exceeds what
 * their parent effectively has. A cgroup without usage protects nothing. Computed on demand from the
 * live counters (the children sums are maintained on every charge), so it costs one walk from the
 * scope to the cgroup; lock-free, may be called from any thread.
 */
final class Protection {
  private Protection() {}

  /**
   * A child's effective protection.
   *
   * @param usage the child's usage
   * @param setting its {@code memory.min} or {@code memory.low}
   * @param parentEffective the parent's effective protection of the same kind
   * @param siblingsProtected the sum of {@code min(usage, setting)} over the parent's children
   */
  static long effective(long usage, long setting, long parentEffective, long siblingsProtected) {
    long prot = Math.min(usage, setting);
    if (siblingsProtected > parentEffective) {
      return mulDiv(prot, parentEffective, siblingsProtected);
    }
    return prot;
  }

  /**
   * The effective min ({@code low == false}) or low of {@code counter} when reclaim is scoped at
   * {@code scope}.
   *
   * @return the protection in bytes, 0 for the scope itself, -1 if {@code counter} is not in the
   *     scope's subtree
   */
  static long of(PageCounter scope, PageCounter counter, boolean low) {
    if (counter == scope) {
      return 0;
    }
    int depth = 0;
    PageCounter c = counter;
    while (c != null && c != scope) {
      depth++;
      c = c.parent();
    }
    if (c == null) {
      return -1;
    }
    PageCounter[] path = new PageCounter[depth];
    c = counter;
    for (int i = depth - 1; i >= 0; i--) {
      path[i] = c;
      c = c.parent();
    }
    long effective = 0;
    for (int i = 0; i < depth; i++) {
      PageCounter p = path[i];
      long usage = p.usage();
      if (usage <= 0) {
        return 0;
      }
      long setting = low ? p.low() : p.min();
      if (i == 0) {
        effective = setting;
      } else {
        PageCounter parent = path[i - 1];
        long siblings = low ? parent.childrenLowUsage() : parent.childrenMinUsage();
        effective = effective(usage, setting, effective, siblings);
      }
    }
    return effective;
  }

  /**
   * The effective min and low of the cgroups with usage in {@code scope}'s subtree (the scope
   * itself excluded), computed parents first from one look at the counters, as the kernel does at
   * the start of a reclaim round. Parts of the subtree where no level sets {@code min} or {@code low}
   * are left out (their effective protection is 0 whatever the usage: {@code min(usage, 0)}), so a
   * tree without protection costs one counter read, not a walk.
   *
   * @return per state {@code {emin, elow}}; a state of the subtree that is missing has none
   */
  static Map<MemoryState, long[]> subtree(MemoryState scope) {
    PageCounter s = scope.counter();
    if (s.protectingLevels() - (s.protects() ? 1 : 0) <= 0) {
      return Map.of();
    }
    Map<MemoryState, long[]> out = new IdentityHashMap<>();
    for (MemoryState child : scope.children()) {
      PageCounter c = child.counter();
      if (c.usage() > 0 && c.protectingLevels() > 0) {
        long[] e = {c.min(), c.low()};
        out.put(child, e);
        below(child, e, out);
      }
    }
    return out;
  }

  private static void below(MemoryState parent, long[] parentEffective, Map<MemoryState, long[]> out) {
    PageCounter p = parent.counter();
    for (MemoryState child : parent.children()) {
      PageCounter c = child.counter();
      long usage = c.usage();
      if (usage > 0 && c.protectingLevels() > 0) {
        long[] e = {
          effective(usage, c.min(), parentEffective[0], p.childrenMinUsage()),
          effective(usage, c.low(), parentEffective[1], p.childrenLowUsage())
        };
        out.put(child, e);
        below(child, e, out);
      }
    }
  }

  /** {@code a * b / c} without overflow, for {@code 0 <= a, b <= c}. */
  static long mulDiv(long a, long b, long c) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if (hi == 0 && lo >= 0) {
      return lo / c;
    }
    return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divide(BigInteger.valueOf(c)).longValueExact();
  }
}
