package io.cgdev.drm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** fdinfo's size format (the whole output is covered by DrmDeviceContractTest). */
class FdinfoTest {
  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "1, 1",
    "1000, 1000",
    "1024, 1 KiB",
    "1536, 1536",
    "6144, 6 KiB",
    "1048576, 1 MiB",
    "1049600, 1025 KiB",
    "1073741824, 1024 MiB"
  })
  void sizesUseTheLargestUnitThatDividesExactlyUpToMiB(long bytes, String printed) {
    assertThat(Fdinfo.size(bytes)).isEqualTo(printed);
  }
}
