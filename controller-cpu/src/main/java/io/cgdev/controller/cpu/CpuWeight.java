package io.cgdev.controller.cpu;

import io.cgdev.api.Numbers;

/**
 * The weight codec of {@code cpu.weight} and {@code cpu.weight.nice}, kept exact.
 *
 * <p>The kernel stores a group's weight as "shares" on a scale where nice 0 is 1024; {@code
 * cpu.weight} w becomes round(w * 1024 / 100) shares and a nice value becomes the entry of its
 * {@code sched_prio_to_weight} table. Rounding w * 1024 / 100 would turn weights 100:1 into
 * 1024:10, a 2.4% error on the small share; so this class keeps a finer unit, the <em>load</em>: one
 * {@code cpu.weight} unit is 1024 load and one kernel share is 100 load. Both writes are then exact,
 * and reads round exactly as the kernel does.
 */
final class CpuWeight {
  /** The load of {@code cpu.weight} 100, nice 0. */
  static final long NICE0_LOAD = 100L * 1024;

  static final int MIN_WEIGHT = 1;
  static final int MAX_WEIGHT = 10_000;
  static final int DEFAULT_WEIGHT = 100;
  static final int MIN_NICE = -20;
  static final int MAX_NICE = 19;

  /**
   * The kernel's nice-to-weight table (kernel/sched/core.c), nice -20 first: each step is about 1.25
   * times the next, so one nice level is about a 10% change of share.
   */
  private static final int[] PRIO_TO_WEIGHT = {
    88761, 71755, 56483, 46273, 36291,
    29154, 23254, 18705, 14949, 11916,
    9548, 7620, 6100, 4904, 3906,
    3121, 2501, 1991, 1586, 1277,
    1024, 820, 655, 526, 423,
    335, 272, 215, 172, 137,
    110, 87, 70, 56, 45,
    36, 29, 23, 18, 15,
  };

  private CpuWeight() {}

  /** The load of a {@code cpu.weight} value (1..10000). */
  static long loadOfWeight(int weight) {
    return weight * 1024L;
  }

  /** The load of a nice value (-20..19). */
  static long loadOfNice(int nice) {
    return PRIO_TO_WEIGHT[nice - MIN_NICE] * 100L;
  }

  /** {@code cpu.weight} as read: load / 1024 rounded to the nearest, clamped to 1..10000. */
  static int weightOf(long load) {
    long w = (load + 512) / 1024;
    return (int) Math.max(MIN_WEIGHT, Math.min(MAX_WEIGHT, w));
  }

  /**
   * {@code cpu.weight.nice} as read: the nice value whose table weight lies closest to the load; on a
   * tie the lower nice (the kernel's scan stops at the first value that is not strictly closer).
   */
  static int niceOf(long load) {
    long best = Long.MAX_VALUE;
    int prio = 0;
    for (; prio < PRIO_TO_WEIGHT.length; prio++) {
      long delta = Math.abs(PRIO_TO_WEIGHT[prio] * 100L - load);
      if (delta >= best) {
        break;
      }
      best = delta;
    }
    return prio - 1 + MIN_NICE;
  }

  /**
   * Parses a {@code cpu.weight} write as the kernel does: {@code cftype.write_u64}, so {@code
   * kstrtoull(buf, 0)} (a {@code +} but no {@code -}; {@code 0x}, octal), then {@code
   * cpu_weight_write_u64}'s range check.
   *
   * @throws io.cgdev.api.CgroupException {@code EINVAL} if not such a number, {@code ERANGE} outside
   *     1..10000 (also past 64 bits)
   */
  static long parseWeight(String text) {
    long v = Numbers.parseKernelU64(text, "cpu.weight");
    if (Long.compareUnsigned(v, MIN_WEIGHT) < 0 || Long.compareUnsigned(v, MAX_WEIGHT) > 0) {
      throw io.cgdev.api.CgroupException.of(io.cgdev.api.Errno.ERANGE, "cpu.weight '%s' out of range %d..%d", text,
          MIN_WEIGHT, MAX_WEIGHT);
    }
    return loadOfWeight((int) v);
  }

  /**
   * Parses a {@code cpu.weight.nice} write as the kernel does: {@code cftype.write_s64}, so {@code
   * kstrtoll(buf, 0)}, then {@code cpu_weight_nice_write_s64}'s range check.
   *
   * @throws io.cgdev.api.CgroupException {@code EINVAL} if not an integer, {@code ERANGE} outside
   *     -20..19
   */
  static long parseNice(String text) {
    return loadOfNice((int) Numbers.parseInRange(text, MIN_NICE, MAX_NICE, "cpu.weight.nice"));
  }
}
