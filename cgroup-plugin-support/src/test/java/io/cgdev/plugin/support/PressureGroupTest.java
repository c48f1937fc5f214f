package io.cgdev.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.spi.SimulatedClock;
import org.junit.jupiter.api.Test;

/**
 * Stall accounting and averages on a simulated clock. The expected averages were worked out from the
 * kernel's formulas (kernel/sched/psi.c's update_averages and calc_avgs over loadavg.h's calc_load,
 * calc_load_n) for the samples each scenario produces; the comments give the samples.
 */
class PressureGroupTest {
  private static final long MS = 1_000_000L;
  private static final long S = 1_000 * MS;

  private final SimulatedClock clock = new SimulatedClock();
  private final PressureGroup root = PressureGroup.root(clock);

  @Test
  void aNewGroupShowsTheKernelsZeroText() {
    assertThat(root.show(true))
        .isEqualTo("some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
  }

  @Test
  void tenSecondsOfFullStallGiveFiveSamplesOfAHundredPercent() {
    PressureGroup a = new PressureGroup(root);
    a.change(+1, 0);
    clock.set(10 * S);
    // the averaging runs at 2.001, 4.001, 6.001, 8.001 s and the read at 10 s: five samples of 100%
    String line = "avg10=63.18 avg60=15.32 avg300=3.37 total=10000000\n";
    assertThat(a.show(true)).isEqualTo("some " + line + "full " + line);
    assertThat(root.show(true)).isEqualTo("some " + line + "full " + line);
    assertThat(root.show(false)).isEqualTo("some " + line + "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
  }

  @Test
  void waitingHalfOfEverySecondGivesFiftyPercentSamples() {
    PressureGroup a = new PressureGroup(root);
    a.change(+1, 0);
    for (int s = 1; s < 10; s++) {
      clock.set(s * S);
      if (s % 2 == 1) {
        a.change(-1, +1); // runs
      } else {
        a.change(+1, -1); // waits
      }
    }
    clock.set(10 * S);
    // samples: 1.001 s of 2.001 (50%), 1.0 of 2.0 three times (50%), 0.999 of 1.999 (49%)
    String line = "avg10=31.41 avg60=7.62 avg300=1.68 total=5000000\n";
    assertThat(a.show(true)).isEqualTo("some " + line + "full " + line);
    PressureGroup.Reading r = a.read();
    assertThat(r.percent(Stall.SOME, 0)).isEqualTo(31.41);
    assertThat(r.total(Stall.SOME)).isEqualTo(5 * S);
  }

  @Test
  void missedPeriodsDecayInOneStepAfterTheAveragingStopped() {
    PressureGroup a = new PressureGroup(root);
    a.change(+1, 0);
    clock.set(10 * S);
    a.change(-1, 0);
    clock.set(30 * S);
    // samples 100% x4 (2.001..8.001), 99% at 10.001 (1.999 s of 2), 0% at 12.001, then idle: the
    // work stops; the read at 30 s decays 8 missed periods with fixed_power_int and samples 0%.
    assertThat(a.show(true)).startsWith("some avg10=8.51 avg60=10.96 avg300=3.14 total=10000000\n");
  }

  @Test
  void someWithoutFullWhileASiblingRuns() {
    PressureGroup a = new PressureGroup(root);
    PressureGroup b = new PressureGroup(root);
    a.change(+1, 0);
    b.change(0, +1);
    clock.set(3 * S);
    assertThat(a.read().total(Stall.FULL)).isEqualTo(3 * S);
    assertThat(root.read().total(Stall.SOME)).isEqualTo(3 * S);
    assertThat(root.read().total(Stall.FULL)).isZero(); // b made progress
    assertThat(b.read().total(Stall.SOME)).isZero();
    assertThat(root.delayed()).isEqualTo(1);
    assertThat(root.productive()).isEqualTo(1);
  }

  @Test
  void aGroupWithARunningAndAWaitingClientIsSomeNotFull() {
    PressureGroup a = new PressureGroup(root);
    a.change(+1, 0);
    a.change(-1, +1); // the first runs
    a.change(+1, 0); // a second waits for it
    clock.set(S);
    PressureGroup.Reading r = a.read();
    assertThat(r.total(Stall.SOME)).isEqualTo(S);
    assertThat(r.total(Stall.FULL)).isZero();
  }

  @Test
  void disabledAccountingStopsTheClockOfStallsAndRestartsFromThePresentState() {
    PressureGroup a = new PressureGroup(root);
    a.change(+1, 0);
    clock.set(S);
    a.enabled(false);
    clock.set(3 * S);
    a.change(+1, 0); // counted while disabled
    a.enabled(true);
    assertThat(a.delayed()).isEqualTo(2);
    clock.set(4 * S);
    assertThat(a.read().total(Stall.SOME)).isEqualTo(2 * S);
    assertThat(root.read().total(Stall.SOME)).isEqualTo(4 * S); // the parent kept accounting
  }

  @Test
  void anUnderflowIsRefusedAndChangesNothing() {
    PressureGroup a = new PressureGroup(root);
    a.change(0, +1);
    assertThatThrownBy(() -> a.change(-1, 0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("below zero");
    assertThat(a.delayed()).isZero();
    assertThat(root.productive()).isEqualTo(1);
  }

  @Test
  void advanceRunsTheAveragingWhileNothingChanges() {
    PressureGroup a = new PressureGroup(root);
    a.change(+1, 0);
    assertThat(root.nextDue()).isEqualTo(2 * S + PressureGroup.JIFFY_NANOS);
    clock.set(2 * S);
    root.advance(); // not due yet
    assertThat(root.nextDue()).isEqualTo(2 * S + PressureGroup.JIFFY_NANOS);
    clock.set(3 * S);
    root.advance();
    assertThat(root.nextDue()).isEqualTo(4 * S + PressureGroup.JIFFY_NANOS);
  }
}
