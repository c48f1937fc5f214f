package io.cgdev.drm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RegionTableTest {
  @Test
  void keepsOneValuePerNameFoundByEqualNotSameStrings() {
    RegionTable<Integer> t = new RegionTable<>();
    assertThat(t.isEmpty()).isTrue();
    t.put("lmem0", 1);
    t.put("smem", 2);
    t.put(new String("lmem0"), 3); // replaces, found by equals
    assertThat(t.get(new String("lmem0"))).isEqualTo(3);
    assertThat(t.get("smem")).isEqualTo(2);
    assertThat(t.get("lmem1")).isNull();
    assertThat(t.containsKey("smem")).isTrue();
    assertThat(t.containsKey("lmem1")).isFalse();
    assertThat(t.isEmpty()).isFalse();
    t.clear();
    assertThat(t.isEmpty()).isTrue();
    assertThat(t.get("smem")).isNull();
  }
}
