package io.cgdev.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FileValuesTest {
  private static List<String> single(String text) {
    List<String> out = new ArrayList<>();
    FileValues.single(text, (region, v) -> out.add(region + "=" + v));
    return out;
  }

  private static List<String> keyed(String text) {
    List<String> out = new ArrayList<>();
    FileValues.keyed(text, (group, key, v) -> out.add(group + ":" + key + "=" + v));
    return out;
  }

  @Test
  void memcgSingleValues() {
    assertThat(single("536870912\n")).containsExactly("null=5.36870912E8");
    assertThat(single("max\n")).containsExactly("null=Infinity");
    assertThat(single("0")).containsExactly("null=0.0");
  }

  @Test
  void dmemStyleRegionLines() {
    assertThat(single("smem max\nlmem0 268435456\n")).containsExactly("smem=Infinity", "lmem0=2.68435456E8");
    assertThat(single("  lmem0\t12 \n\n")).containsExactly("lmem0=12.0");
  }

  @Test
  void linesOfNoShapeAreSkipped() {
    assertThat(single("12X\nlmem0 1 2\nfoo bar\n-\n")).isEmpty();
    assertThat(keyed("usage_usec\nnr_periods x\nkey 1 2\n=\n")).isEmpty();
  }

  @Test
  void flatKeyedAsMemoryEventsAndCpuStat() {
    assertThat(keyed("low 0\nhigh 3\nmax 2\noom 1\noom_kill 0\n"))
        .containsExactly("null:low=0.0", "null:high=3.0", "null:max=2.0", "null:oom=1.0", "null:oom_kill=0.0");
    assertThat(keyed("usage_usec 12345\nusage_usec.rcs0 12000\n")).containsExactly("null:usage_usec=12345.0",
        "null:usage_usec.rcs0=12000.0");
  }

  @Test
  void nestedKeyedAsSeveralRegionsAndPressure() {
    assertThat(keyed("lmem0 low=0 high=1 max=max\n")).containsExactly("lmem0:low=0.0", "lmem0:high=1.0", "lmem0:max=Infinity");
    assertThat(keyed("some avg10=1.50 avg60=0.20 avg300=0.00 total=123456\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=654\n"))
        .contains("some:avg10=1.5", "some:total=123456.0", "full:total=654.0").hasSize(8);
  }

  @Test
  void bigNumbersStayExactUpToDoublePrecision() {
    assertThat(single("9223372036854775807\n")).containsExactly("null=" + (double) Long.MAX_VALUE);
    assertThat(single("123456789012345678\n")).containsExactly("null=" + 123456789012345678.0);
  }
}
