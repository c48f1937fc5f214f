package io.cgdev.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Shrinks a failing sequence to a minimal one (delta debugging): drops chunks of steps, halving the
 * chunk size, as long as the rest still diverges, then single steps until no step can go. The
 * result is 1-minimal: removing any one step makes the divergence disappear. Bounded by {@link
 * #MAX_TRIES} replays, so a flaky divergence cannot make it run away.
 */
final class Shrinker {
  static final int MAX_TRIES = 400;

  private final Predicate<List<Step>> fails;
  private int tries;

  Shrinker(Predicate<List<Step>> fails) {
    this.fails = fails;
  }

  List<Step> shrink(List<Step> failing) {
    List<Step> current = new ArrayList<>(failing);
    for (int chunk = Math.max(1, current.size() / 2); chunk >= 1; chunk = chunk == 1 ? 0 : Math.max(1, chunk / 2)) {
      boolean removed = true;
      while (removed && tries < MAX_TRIES) {
        removed = false;
        for (int from = current.size() - chunk; from >= 0 && tries < MAX_TRIES; from -= chunk) {
          List<Step> candidate = new ArrayList<>(current.subList(0, from));
          candidate.addAll(current.subList(Math.min(current.size(), from + chunk), current.size()));
          if (candidate.isEmpty()) {
            continue;
          }
          tries++;
          if (fails.test(candidate)) {
            current = candidate;
            removed = true;
            from = Math.min(from, current.size());
          }
        }
      }
    }
    return current;
  }

  /** Replays made while shrinking. */
  int tries() {
    return tries;
  }
}
