package io.cgdev.controller.cpuset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * The persistent slot table: every published table keeps answering as it did when published, while
 * later editors set and clear slots (up to several levels of the trie). Seeded against a map per
 * version; a failure prints its seed.
 */
class SlotTableTest {
  @RepeatedTest(10)
  void everyVersionKeepsItsValues(RepetitionInfo info) {
    long seed = 0x51075L * 131 + info.getCurrentRepetition();
    Random rnd = new Random(seed);
    List<SlotTable<Integer>> tables = new ArrayList<>();
    List<Map<Integer, Integer>> models = new ArrayList<>();
    SlotTable<Integer> table = SlotTable.empty();
    Map<Integer, Integer> model = new HashMap<>();
    int bound = 1 << (5 + rnd.nextInt(12)); // from one level to four
    for (int version = 0; version < 60; version++) {
      SlotTable.Editor<Integer> editor = table.edit();
      for (int i = rnd.nextInt(40); i >= 0; i--) {
        int slot = rnd.nextInt(bound);
        Integer value = rnd.nextInt(4) == 0 ? null : rnd.nextInt();
        editor.set(slot, value);
        if (value == null) {
          model.remove(slot);
        } else {
          model.put(slot, value);
        }
      }
      table = editor.publish();
      tables.add(table);
      models.add(new HashMap<>(model));
    }
    for (int v = 0; v < tables.size(); v++) {
      for (int slot = 0; slot < Math.min(bound, 5000); slot++) {
        Integer got = tables.get(v).get(slot);
        Integer want = models.get(v).get(slot);
        if (!java.util.Objects.equals(got, want)) {
          throw new AssertionError("seed " + seed + ", version " + v + ", slot " + slot + ": " + got + " instead of " + want);
        }
      }
      assertThat(tables.get(v).get(bound * 64)).isNull();
      assertThat(tables.get(v).get(-1)).isNull();
    }
  }

  @Test
  void aPublishedEditorRefusesFurtherChanges() {
    SlotTable.Editor<String> editor = SlotTable.<String>empty().edit();
    editor.set(3, "a");
    SlotTable<String> table = editor.publish();
    assertThatThrownBy(() -> editor.set(4, "b")).isInstanceOf(IllegalStateException.class);
    assertThat(table.get(3)).isEqualTo("a");
    assertThat(SlotTable.<String>empty().get(3)).isNull();
  }
}
