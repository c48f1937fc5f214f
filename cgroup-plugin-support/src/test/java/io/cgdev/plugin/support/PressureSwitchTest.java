package io.cgdev.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.spi.SimulatedClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PressureGroup#change(PressureGroup, int, int, PressureGroup, int, int)}, the kernel's task
 * switch, against the two changes one after the other at the same instant: on seeded random trees with
 * clients waiting, running and going idle, engines switching between clients of one leaf, of sibling
 * leaves and of different subtrees, with clock steps from a microsecond to minutes, every group's
 * text ({@code some} and {@code full}, averages and totals) is the same byte for byte. A failure names
 * its seed ({@code -Dcgdev.pressureswitch.seed=N} replays one). 150 trees of 500 steps, well under a second.
 */
class PressureSwitchTest {
  private static final int IDLE = 0;
  private static final int WAITING = 1;
  private static final int RUNNING = 2;

  /** One tree of groups on its own clock, the groups in the order they were made. */
  private record Tree(SimulatedClock clock, List<PressureGroup> groups) {
    static Tree of(int[] parents) {
      SimulatedClock clock = new SimulatedClock();
      List<PressureGroup> groups = new ArrayList<>();
      groups.add(PressureGroup.root(clock));
      for (int i = 1; i < parents.length; i++) {
        groups.add(new PressureGroup(groups.get(parents[i])));
      }
      return new Tree(clock, groups);
    }
  }

  @Test
  void aSwitchGivesTheTextsOfTheTwoChangesMadeOneAfterTheOther() {
    String one = System.getProperty("cgdev.pressureswitch.seed");
    long first = one == null ? 1 : Long.parseLong(one);
    long last = one == null ? 150 : first;
    for (long seed = first; seed <= last; seed++) {
      try {
        run(new Random(seed));
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
      }
    }
  }

  private static void run(Random r) {
    int size = 2 + r.nextInt(8);
    int[] parents = new int[size];
    for (int i = 1; i < size; i++) {
      parents[i] = r.nextInt(i);
    }
    Tree switched = Tree.of(parents);
    Tree oneByOne = Tree.of(parents);
    int clients = 2 + r.nextInt(6);
    int[] groupOf = new int[clients];
    int[] state = new int[clients];
    for (int c = 0; c < clients; c++) {
      groupOf[c] = r.nextInt(size);
    }
    for (int step = 0; step < 500; step++) {
      long nanos = switch (r.nextInt(4)) {
        case 0 -> 0;
        case 1 -> 1_000L * (1 + r.nextInt(1_000));
        case 2 -> 1_000_000L * (1 + r.nextInt(3_000));
        default -> r.nextInt(20) == 0 ? 1_000_000_000L * (1 + r.nextInt(300)) : 1_000_000L;
      };
      switched.clock().advance(nanos);
      oneByOne.clock().advance(nanos);
      int from = r.nextInt(clients);
      int to = r.nextInt(clients);
      int fromNow = r.nextInt(3);
      int toNow = r.nextInt(3);
      if (from == to) {
        toNow = fromNow;
      }
      int fd = delayed(fromNow) - delayed(state[from]);
      int fp = running(fromNow) - running(state[from]);
      state[from] = fromNow;
      if (from == to) {
        switched.groups().get(groupOf[from]).change(fd, fp);
        oneByOne.groups().get(groupOf[from]).change(fd, fp);
      } else {
        int td = delayed(toNow) - delayed(state[to]);
        int tp = running(toNow) - running(state[to]);
        state[to] = toNow;
        PressureGroup.change(switched.groups().get(groupOf[from]), fd, fp, switched.groups().get(groupOf[to]), td, tp);
        if (fd != 0 || fp != 0) {
          oneByOne.groups().get(groupOf[from]).change(fd, fp);
        }
        if (td != 0 || tp != 0) {
          oneByOne.groups().get(groupOf[to]).change(td, tp);
        }
      }
      for (int g = 0; g < size; g++) {
        PressureGroup a = switched.groups().get(g);
        PressureGroup b = oneByOne.groups().get(g);
        assertThat(a.delayed()).as("step %d, group %d: delayed", step, g).isEqualTo(b.delayed());
        assertThat(a.productive()).as("step %d, group %d: productive", step, g).isEqualTo(b.productive());
        assertThat(a.show(g > 0)).as("step %d, group %d", step, g).isEqualTo(b.show(g > 0));
      }
    }
  }

  private static int delayed(int state) {
    return state == WAITING ? 1 : 0;
  }

  private static int running(int state) {
    return state == RUNNING ? 1 : 0;
  }

  @Test
  void aSwitchThatWouldUnderflowIsRefusedAndChangesNothing() {
    SimulatedClock clock = new SimulatedClock();
    PressureGroup root = PressureGroup.root(clock);
    PressureGroup a = new PressureGroup(root);
    PressureGroup b = new PressureGroup(root);
    a.change(0, 1);
    assertThatThrownBy(() -> PressureGroup.change(a, 1, -1, b, 0, -1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("below zero");
    assertThat(a.productive()).isEqualTo(1);
    assertThat(a.delayed()).isZero();
    assertThat(root.productive()).isEqualTo(1);
    // a parent sees both changes: its child gains a running client, so the parent may lose two but not three
    PressureGroup child = new PressureGroup(a);
    assertThatThrownBy(() -> PressureGroup.change(child, 0, 1, a, 0, -3)).isInstanceOf(IllegalStateException.class);
    PressureGroup.change(child, 0, 1, a, 0, -1);
    assertThat(a.productive()).as("one left, one came").isEqualTo(1);
    assertThat(child.productive()).isEqualTo(1);
    assertThat(root.productive()).isEqualTo(1);
  }

  @Test
  void groupsOfTwoTreesCannotSwitch() {
    PressureGroup one = PressureGroup.root(new SimulatedClock());
    PressureGroup other = PressureGroup.root(new SimulatedClock());
    assertThatThrownBy(() -> PressureGroup.change(one, 0, 1, other, 0, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
