package io.cgdev.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdListTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {"0-3,7;0-3,7", "7,0-3;0-3,7", "1,2;1-2", "0,0,0;0", "3-3;3", "5,1-2,3;1-3,5", "' 0 - 2 , 4 ';0-2,4"})
  void parsesAndFormatsCanonically(String in, String canonical) {
    assertThat(IdList.format(IdList.parse(in))).isEqualTo(canonical);
  }

  @Test
  void emptyIsEmpty() {
    assertThat(IdList.parse("").isEmpty()).isTrue();
    assertThat(IdList.parse("\n").isEmpty()).isTrue();
    assertThat(IdList.format(new BitSet())).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "1,", ",1", "3-1", "1-", "-1", "1--3", "1;2", "0x1"})
  void malformedIsEinval(String text) {
    assertThatThrownBy(() -> IdList.parse(text))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
        .hasMessageContaining(text);
  }

  @Test
  void hugeIdIsErange() {
    assertThatThrownBy(() -> IdList.parse("0-99999999"))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ERANGE));
  }

  @RepeatedTest(20)
  void formatParseRoundTripsRandomSets() {
    long seed = Seeds.seed();
    Random r = Seeds.random(seed);
    for (int i = 0; i < 2_000; i++) {
      BitSet set = new BitSet();
      int n = r.nextInt(12);
      for (int k = 0; k < n; k++) {
        int from = r.nextInt(128);
        set.set(from, from + 1 + r.nextInt(4));
      }
      String text = IdList.format(set);
      assertThat(IdList.parse(text)).as("seed %d text %s", seed, text).isEqualTo(set);
      assertThat(noConsecutivePair(text)).as("seed %d: canonical runs in %s", seed, text).isTrue();
    }
  }

  private static boolean noConsecutivePair(String text) {
    if (text.isEmpty()) {
      return true;
    }
    String[] items = text.split(",");
    for (int i = 1; i < items.length; i++) {
      String prev = items[i - 1];
      int prevEnd = Integer.parseInt(prev.contains("-") ? prev.substring(prev.indexOf('-') + 1) : prev);
      String cur = items[i];
      int curStart = Integer.parseInt(cur.contains("-") ? cur.substring(0, cur.indexOf('-')) : cur);
      if (curStart <= prevEnd + 1) {
        return false;
      }
    }
    return true;
  }
}
