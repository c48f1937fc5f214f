package io.cgdev.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The fixed-point helpers against numbers worked out by hand from the kernel's formulas
 * (include/linux/sched/loadavg.h, kernel/sched/loadavg.c): {@code calc_load}, {@code
 * fixed_power_int}, {@code LOAD_INT}/{@code LOAD_FRAC}.
 */
class LoadAverageTest {
  @Test
  void calcLoadRoundsUpWhileRisingAndDownWhileFalling() {
    // 100% = 100 << 11 = 204800; (0 * 1677 + 204800 * 371 + 2047) / 2048 = 37100
    assertThat(LoadAverage.calcLoad(0, LoadAverage.EXP_10S, 204_800)).isEqualTo(37_100);
    // falling to 0: 37100 * 1677 / 2048 = 30379 (no rounding up)
    assertThat(LoadAverage.calcLoad(37_100, LoadAverage.EXP_10S, 0)).isEqualTo(30_379);
    assertThat(LoadAverage.calcLoad(100, LoadAverage.EXP_10S, 204_800)).isEqualTo(37_182);
  }

  @Test
  void fixedPowerIntRaisesTheDecayForMissedPeriods() {
    assertThat(LoadAverage.fixedPowerInt(1677, 11, 0)).isEqualTo(2048);
    assertThat(LoadAverage.fixedPowerInt(1677, 11, 1)).isEqualTo(1677);
    assertThat(LoadAverage.fixedPowerInt(1677, 11, 8)).isEqualTo(413);
    assertThat(LoadAverage.fixedPowerInt(1981, 11, 8)).isEqualTo(1570);
    assertThat(LoadAverage.fixedPowerInt(2034, 11, 8)).isEqualTo(1938);
    // calc_load_n with one period is calc_load
    assertThat(LoadAverage.calcLoadN(37_100, LoadAverage.EXP_10S, 0, 1)).isEqualTo(30_379);
  }

  @Test
  void formatsAsPsiShowPrintsTruncatingTheFraction() {
    assertThat(LoadAverage.format(0)).isEqualTo("0.00");
    assertThat(LoadAverage.format(37_100)).isEqualTo("18.11"); // 18 + 236*100/2048 = 18.115
    assertThat(LoadAverage.format(129_406)).isEqualTo("63.18");
    assertThat(LoadAverage.format(100L << 11)).isEqualTo("100.00");
    assertThat(LoadAverage.format(2048 + 20)).isEqualTo("1.00"); // 20*100/2048 = 0.97 -> 00
    assertThat(LoadAverage.format(2048 + 21)).isEqualTo("1.01");
  }
}
