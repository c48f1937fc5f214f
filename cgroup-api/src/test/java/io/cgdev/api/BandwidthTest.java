package io.cgdev.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BandwidthTest {
  @Test
  void defaultIsMaxHundredMilliseconds() {
    assertThat(Bandwidth.DEFAULT.format()).isEqualTo("max 100000");
  }

  @Test
  void parsesBothForms() {
    assertThat(Bandwidth.parse("50000 100000", Bandwidth.DEFAULT)).isEqualTo(new Bandwidth(50000, 100000));
    assertThat(Bandwidth.parse("max 20000", Bandwidth.DEFAULT)).isEqualTo(new Bandwidth(Bandwidth.UNLIMITED, 20000));
  }

  @Test
  void aLoneMaxKeepsThePeriod() {
    Bandwidth current = new Bandwidth(5000, 20000);
    assertThat(Bandwidth.parse("7000", current)).isEqualTo(new Bandwidth(7000, 20000));
    assertThat(Bandwidth.parse("max\n", current)).isEqualTo(new Bandwidth(Bandwidth.UNLIMITED, 20000));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "maxx", "+50000", "0x10000 100000", "500 100000", "50000 999", "50000 1000001", "-1 100000",
      "50000 0x10", "50000 \u0665"})
  void everythingElseIsEinval(String text) {
    assertThatThrownBy(() -> Bandwidth.parse(text, Bandwidth.DEFAULT))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
  }
}
