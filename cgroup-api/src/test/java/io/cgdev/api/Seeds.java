package io.cgdev.api;

import java.util.Random;

/** Seeded randomness for property tests: the seed is in every failure message, so a failure replays. */
final class Seeds {
  private Seeds() {}

  /** A seed from -Dcgdev.seed if given, else fresh. */
  static long seed() {
    String fixed = System.getProperty("cgdev.seed");
    return fixed != null ? Long.parseLong(fixed) : System.nanoTime();
  }

  static Random random(long seed) {
    return new Random(seed);
  }
}
