package io.cgdev.controller.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.testkit.FakeFileHandle;
import io.cgdev.testkit.LruReclaimer;
import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.MemoryCharging;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Seeded stateful property test: random charges, uncharges, limit and protection changes through
 * {@code MemoryCharging} and the files, compared with a simple reference model (local usage per
 * cgroup, limits as written). Every call's outcome (charged or refused and by whom, EINVAL on an
 * uncharge past zero, max events) is compared at every step, with the thread's charge stocks in
 * play; the counters are compared at random steps, after the stocks were drained (stocked bytes are
 * charged, the model does not know them). Replay a failure with the printed seed.
 */
class PageCounterPropertyTest {
  private static final long PAGE = 4096;
  // a small device (limits hit all the time; batches rarely fit) or a large one (stocks serve)
  private long capacity;

  /** The reference: a cgroup's own charges and its settings. */
  static final class Node {
    final int parent;
    final String path;
    long local;
    long max = Long.MAX_VALUE;
    long min;
    long low;

    Node(int parent, String path) {
      this.parent = parent;
      this.path = path;
    }
  }

  @RepeatedTest(60)
  void countersFollowTheReferenceModel(RepetitionInfo info) {
    long seed = 0x5eed0000L + info.getCurrentRepetition();
    try {
      run(seed);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("failed with seed " + seed + ": " + e.getMessage(), e);
    }
  }

  private void run(long seed) {
    Random rnd = new Random(seed);
    capacity = (seed % 2 == 0 ? 64 : 4096) * PAGE;
    Fixture f = Fixture.oneRegion(capacity);
    int stocked = 0;
    List<Node> nodes = new ArrayList<>();
    nodes.add(new Node(-1, "/"));
    int n = 2 + rnd.nextInt(6);
    for (int i = 1; i < n; i++) {
      int parent = rnd.nextInt(i);
      String path = (parent == 0 ? "" : nodes.get(parent).path) + "/c" + i;
      nodes.add(new Node(parent, path));
      f.mkdir(path);
    }
    long[] maxEvents = new long[n];
    for (int step = 0; step < 300; step++) {
      int i = rnd.nextInt(n);
      Node node = nodes.get(i);
      CgroupHandle cg = f.cg(node.path);
      long bytes = rnd.nextInt(1 + (int) (8 * PAGE)) & -(rnd.nextBoolean() ? PAGE : 1);
      switch (rnd.nextInt(6)) {
        case 0, 1 -> {
          int limiting = limiting(nodes, i, bytes);
          MemoryCharging.Pool got = f.charging.tryCharge(cg, 0, bytes);
          if (limiting < 0) {
            assertThat(got.cgroup()).isSameAs(cg);
            node.local += bytes;
          } else {
            assertThat(got).isNull();
            maxEvents[limiting]++;
          }
        }
        case 2 -> {
          if (bytes <= node.local) {
            f.charging.uncharge(cg, 0, bytes);
            node.local -= bytes;
          } else if (bytes > usage(nodes, i)) {
            // the counter cannot tell a cgroup's own charges from its children's: it refuses only
            // what would drive it below zero
            try {
              f.charging.uncharge(cg, 0, bytes);
              throw new AssertionError("uncharge past zero accepted");
            } catch (CgroupException e) {
              assertThat(e.errno()).isEqualTo(Errno.EINVAL);
            }
          }
        }
        case 3 -> {
          if (i != 0) {
            long v = rnd.nextInt(5) == 0 ? Long.MAX_VALUE : rnd.nextInt((int) capacity);
            f.file("max").write(f.state(node.path), v == Long.MAX_VALUE ? "max" : Long.toString(v), FakeFileHandle.openNonBlocking());
            node.max = v == Long.MAX_VALUE ? v : v & -PAGE;
          }
        }
        case 4 -> {
          if (i != 0) {
            long v = rnd.nextInt((int) capacity) & -PAGE;
            f.write(node.path, "min", Long.toString(v));
            node.min = v;
          }
        }
        default -> {
          if (i != 0) {
            long v = rnd.nextInt((int) capacity) & -PAGE;
            f.write(node.path, "low", Long.toString(v));
            node.low = v;
          }
        }
      }
      for (int i2 = 0; i2 < n; i2++) {
        assertThat(f.state(nodes.get(i2).path).events(MemoryEvent.MAX, true)).isEqualTo(maxEvents[i2]);
      }
      if (f.state("/").counter().usage() != usage(nodes, 0)) {
        stocked++;
      }
      if (rnd.nextInt(4) == 0) {
        f.binding.drainStocks(null);
        check(f, nodes, maxEvents);
      }
    }
    for (int i = 0; i < n; i++) {
      f.charging.uncharge(f.cg(nodes.get(i).path), 0, nodes.get(i).local);
      nodes.get(i).local = 0;
    }
    f.binding.drainStocks(null);
    check(f, nodes, maxEvents);
    if (capacity > 64 * PAGE) {
      assertThat(stocked).as("steps with bytes in stock").isPositive();
    }
    for (int i = 0; i < n; i++) {
      assertThat(f.state(nodes.get(i).path).drained()).isTrue();
      assertThat(f.state(nodes.get(i).path).counter().childrenMinUsage()).isZero();
      assertThat(f.state(nodes.get(i).path).counter().childrenLowUsage()).isZero();
    }
  }

  /** Whether node {@code j} is node {@code i} or below it. */
  private static boolean isIn(List<Node> nodes, int j, int i) {
    for (int k = j; k >= 0; k = nodes.get(k).parent) {
      if (k == i) {
        return true;
      }
      if (k == 0) {
        return false;
      }
    }
    return false;
  }

  private static long usage(List<Node> nodes, int i) {
    long sum = nodes.get(i).local;
    for (int j = 0; j < nodes.size(); j++) {
      if (nodes.get(j).parent == i) {
        sum += usage(nodes, j);
      }
    }
    return sum;
  }

  /** The lowest ancestor (or the cgroup itself) whose limit refuses the charge, -1 if none. */
  private int limiting(List<Node> nodes, int i, long bytes) {
    if (bytes == 0) {
      return -1; // charging nothing always succeeds, even above a lowered max
    }
    for (int a = i; a >= 0; a = nodes.get(a).parent) {
      long max = a == 0 ? capacity : nodes.get(a).max;
      if (usage(nodes, a) + bytes > max) {
        return a;
      }
    }
    return -1;
  }

  private static void check(Fixture f, List<Node> nodes, long[] maxEvents) {
    for (int i = 0; i < nodes.size(); i++) {
      Node node = nodes.get(i);
      PageCounter c = f.state(node.path).counter();
      long usage = usage(nodes, i);
      assertThat(c.usage()).as("usage of %s", node.path).isEqualTo(usage);
      assertThat(c.watermark()).as("watermark of %s", node.path).isGreaterThanOrEqualTo(usage);
      long childrenMin = 0;
      long childrenLow = 0;
      for (int j = 0; j < nodes.size(); j++) {
        if (nodes.get(j).parent == i) {
          childrenMin += Math.min(usage(nodes, j), nodes.get(j).min);
          childrenLow += Math.min(usage(nodes, j), nodes.get(j).low);
        }
      }
      assertThat(c.childrenMinUsage()).as("children_min_usage of %s", node.path).isEqualTo(childrenMin);
      assertThat(c.childrenLowUsage()).as("children_low_usage of %s", node.path).isEqualTo(childrenLow);
      assertThat(f.state(node.path).events(MemoryEvent.MAX, true)).isEqualTo(maxEvents[i]);
      // effective protection relative to the root, by the kernel's recursion over the model
      assertThat(Protection.of(f.state("/").counter(), c, false)).as("emin of %s", node.path)
          .isEqualTo(i == 0 ? 0 : effective(nodes, i, false));
      long[] sub = Protection.subtree(f.state("/")).get(f.state(node.path));
      if (i == 0 || usage == 0) {
        assertThat(sub).as("subtree protection of %s", node.path).isNull();
      } else {
        // left out where no level of the cgroup's subtree sets min or low: then it has none
        assertThat(sub == null ? new long[] {0, 0} : sub).as("subtree protection of %s", node.path)
            .containsExactly(effective(nodes, i, false), effective(nodes, i, true));
      }
      int protecting = 0;
      for (int j = 0; j < nodes.size(); j++) {
        if (isIn(nodes, j, i) && (nodes.get(j).min != 0 || nodes.get(j).low != 0)) {
          protecting++;
        }
      }
      assertThat(c.protectingLevels()).as("levels setting min or low in the subtree of %s", node.path).isEqualTo(protecting);
    }
  }

  private static long effective(List<Node> nodes, int i, boolean low) {
    Node node = nodes.get(i);
    long usage = usage(nodes, i);
    if (usage == 0) {
      return 0;
    }
    long setting = low ? node.low : node.min;
    if (node.parent == 0) {
      return setting;
    }
    long parentEffective = effective(nodes, node.parent, low);
    long siblings = 0;
    for (int j = 0; j < nodes.size(); j++) {
      if (nodes.get(j).parent == node.parent) {
        siblings += Math.min(usage(nodes, j), low ? nodes.get(j).low : nodes.get(j).min);
      }
    }
    long prot = Math.min(usage, setting);
    return siblings > parentEffective ? prot * parentEffective / siblings : prot;
  }
}
