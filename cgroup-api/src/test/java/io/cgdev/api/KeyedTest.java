package io.cgdev.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class KeyedTest {
  @Test
  void flatOutputIsOnePairALine() {
    assertThat(Keyed.flat().put("populated", 1).put("frozen", 0).toString()).isEqualTo("populated 1\nfrozen 0\n");
    assertThat(Keyed.flat().toString()).isEmpty();
  }

  @Test
  void nestedOutputIsOneKeyALine() {
    String s = Keyed.nested().line("lmem0").put("min", 0).put("max", "max").line("smem").put("min", 4096).toString();
    assertThat(s).isEqualTo("lmem0 min=0 max=max\nsmem min=4096\n");
  }

  @Test
  void parsesNestedLine() {
    Map.Entry<String, Map<String, String>> e = Keyed.parseNestedLine(" lmem0 min=1M max=max\n");
    assertThat(e.getKey()).isEqualTo("lmem0");
    assertThat(e.getValue()).containsExactly(Map.entry("min", "1M"), Map.entry("max", "max"));
  }

  @Test
  void rejectsBadNestedLines() {
    for (String bad : new String[] {"", "=1", "lmem0 min", "lmem0 min=", "lmem0 =1", "lmem0 a=1 a=2"}) {
      assertThatThrownBy(() -> Keyed.parseNestedLine(bad))
          .as(bad)
          .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    }
  }

  @Test
  void rejectsBadFlatText() {
    for (String bad : new String[] {"a", "a 1 2", "a 1\na 2"}) {
      assertThatThrownBy(() -> Keyed.parseFlat(bad))
          .as(bad)
          .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    }
  }

  @RepeatedTest(10)
  void flatRoundTrips() {
    long seed = Seeds.seed();
    Random r = Seeds.random(seed);
    Map<String, String> in = new LinkedHashMap<>();
    Keyed.Flat out = Keyed.flat();
    for (int i = 0; i < 50; i++) {
      String key = "k" + r.nextInt(1_000_000) + "_" + i;
      long v = r.nextLong();
      in.put(key, Long.toString(v));
      out.put(key, v);
    }
    assertThat(Keyed.parseFlat(out.toString())).as("seed %d", seed).containsExactlyEntriesOf(in);
  }
}
