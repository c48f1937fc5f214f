package io.cgdev.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.SimulatedClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Trigger writes parsed as psi_trigger_create parses them, and events as update_triggers raises them. */
class PressureTriggerTest {
  private static final long MS = 1_000_000L;
  private static final long S = 1_000 * MS;

  @Test
  void parsesSomeAndFullWithTheKernelsSscanf() {
    assertThat(PressureTrigger.parse("some 150000 1000000")).isEqualTo(new PressureTrigger.Spec(Stall.SOME, 150_000, 1_000_000));
    assertThat(PressureTrigger.parse("full 1 500000")).isEqualTo(new PressureTrigger.Spec(Stall.FULL, 1, 500_000));
    // white space before a number is optional; after the second number anything goes
    assertThat(PressureTrigger.parse("some150000 1000000")).isEqualTo(new PressureTrigger.Spec(Stall.SOME, 150_000, 1_000_000));
    assertThat(PressureTrigger.parse("some  150000\t1000000 junk\n")).isEqualTo(new PressureTrigger.Spec(Stall.SOME, 150_000, 1_000_000));
    assertThat(PressureTrigger.parse("full 10000000 10000000")).isEqualTo(new PressureTrigger.Spec(Stall.FULL, 10_000_000, 10_000_000));
    // %u keeps 32 bits: 4295967296 = 2^32 + 1000000
    assertThat(PressureTrigger.parse("some 150000 4295967296").windowUs()).isEqualTo(1_000_000);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "", "some", "some 150000", "foo 1 1000000", " some 150000 1000000", "Some 150000 1000000",
    "some -1 1000000", "some +1 1000000", "some 0 1000000", "some 150000 499999", "some 150000 10000001",
    "some 1000001 1000000", "some 4294967296 1000000", "some x 1000000", "full 150000 0"})
  void refusesWhatTheKernelRefusesWithEinval(String text) {
    assertThatThrownBy(() -> PressureTrigger.parse(text))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
        .hasMessageContaining("pressure trigger '" + text + "'");
  }

  @Test
  void aContinuousStallRaisesTheFirstEventOnceTheThresholdIsPassedThenOncePerWindow() {
    SimulatedClock clock = new SimulatedClock();
    PressureGroup root = PressureGroup.root(clock);
    PressureGroup a = new PressureGroup(root);
    List<Long> events = new ArrayList<>();
    PressureTrigger t = a.createTrigger("some 150000 1000000", () -> events.add(clock.nanoTime()));
    a.change(0, +1);
    clock.set(3 * S);
    a.change(+1, -1); // waits from 3 s on, for good
    List<Long> polled = new ArrayList<>();
    for (long now = 3 * S; now <= 10 * S; now += MS) {
      clock.set(now);
      root.advance();
      if (t.pollEvent()) { // a poller that reads each event as it comes
        polled.add(now);
      }
    }
    assertThat(polled).isEqualTo(events);
    // polling starts a jiffy after the change (3.001 s) and checks every 100 ms and a jiffy: at
    // 3.102 s 101 ms of stall (< 150 ms), at 3.203 s 202 ms: the event.
    assertThat(events.getFirst()).isEqualTo(3_203 * MS);
    for (int i = 1; i < events.size(); i++) {
      long gap = events.get(i) - events.get(i - 1);
      assertThat(gap).isBetween(S, S + 101 * MS); // at most once per window, at the first check after it
    }
    assertThat(events).hasSizeBetween(6, 7);
    assertThat(t.pollEvent()).isFalse();
  }

  @Test
  void anEventNotYetPolledIsNotRaisedAgain() {
    SimulatedClock clock = new SimulatedClock();
    PressureGroup a = new PressureGroup(PressureGroup.root(clock));
    List<Long> events = new ArrayList<>();
    PressureTrigger t = a.createTrigger("some 150000 1000000", () -> events.add(clock.nanoTime()));
    a.change(+1, 0);
    for (long now = 0; now <= 5 * S; now += MS) {
      clock.set(now);
      a.advance();
    }
    // the kernel wakes only when the event flag goes from 0 to 1 (cmpxchg(&t->event, 0, 1))
    assertThat(events).containsExactly(203 * MS);
    assertThat(t.eventPending()).isTrue();
    assertThat(t.pollEvent()).isTrue();
    assertThat(t.pollEvent()).isFalse();
  }

  @Test
  void aStallBelowTheThresholdNeverFires() {
    SimulatedClock clock = new SimulatedClock();
    PressureGroup root = PressureGroup.root(clock);
    PressureGroup a = new PressureGroup(root);
    List<Long> events = new ArrayList<>();
    PressureTrigger t = a.createTrigger("some 150000 1000000", () -> events.add(clock.nanoTime()));
    a.change(0, +1);
    for (long now = 0; now < 10 * S; now += 100 * MS) {
      // 10 ms of waiting in every 100 ms: 100 ms per window, under the 150 ms threshold
      clock.set(now);
      root.advance();
      a.change(+1, -1);
      clock.set(now + 10 * MS);
      a.change(-1, +1);
    }
    assertThat(events).isEmpty();
    assertThat(t.pollEvent()).isFalse();
    assertThat(a.read().total(Stall.SOME)).isEqualTo(S);
  }

  @Test
  void fullTriggersIgnoreSomeStalls() {
    SimulatedClock clock = new SimulatedClock();
    PressureGroup a = new PressureGroup(PressureGroup.root(clock));
    List<Long> events = new ArrayList<>();
    a.createTrigger("full 100000 1000000", () -> events.add(clock.nanoTime()));
    a.change(+1, +1); // one waits, one runs: some, not full
    for (long now = 0; now <= 3 * S; now += MS) {
      clock.set(now);
      a.advance();
    }
    assertThat(events).isEmpty();
    a.change(0, -1); // now nobody runs: full
    for (long now = 3 * S; now <= 4 * S; now += MS) {
      clock.set(now);
      a.advance();
    }
    assertThat(events).hasSize(1);
  }

  @Test
  void closingWakesThePollerAndEndsEvents() {
    SimulatedClock clock = new SimulatedClock();
    PressureGroup a = new PressureGroup(PressureGroup.root(clock));
    int[] wakes = {0};
    PressureTrigger t = a.createTrigger("some 100000 500000", () -> wakes[0]++);
    assertThat(a.triggerCount()).isEqualTo(1);
    t.close();
    t.close();
    assertThat(wakes[0]).isEqualTo(1);
    assertThat(a.triggerCount()).isZero();
    a.change(+1, 0);
    for (long now = 0; now <= 2 * S; now += 10 * MS) {
      clock.set(now);
      a.advance();
    }
    assertThat(wakes[0]).isEqualTo(1);
    assertThat(t.pollEvent()).isFalse();
  }

  @Test
  void aDisabledGroupTakesNoTrigger() {
    PressureGroup a = new PressureGroup(PressureGroup.root(new SimulatedClock()));
    a.enabled(false);
    assertThatThrownBy(() -> a.createTrigger("some 100000 500000", () -> {}))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EOPNOTSUPP));
  }
}
