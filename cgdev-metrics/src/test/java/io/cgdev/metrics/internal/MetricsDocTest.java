package io.cgdev.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/METRICS.md lists every metric the endpoint serves, with its type and the file it comes from. */
class MetricsDocTest {
  @Test
  void everyMetricHasARowWithItsTypeAndFile() throws IOException {
    List<String> rows = Files.readAllLines(Path.of("../docs/METRICS.md")).stream().filter(l -> l.startsWith("| `")).toList();
    for (Metric m : Metric.values()) {
      String row = rows.stream().filter(r -> r.startsWith("| `" + m.exposedName() + "` |")).findFirst().orElse(null);
      assertThat(row).as("a row for %s in docs/METRICS.md", m.exposedName()).isNotNull();
      assertThat(row).as("its type").contains("| " + (m.counter ? "counter" : "gauge") + " |");
      String file = m.source.split(" ")[m.source.startsWith("root ") ? 1 : 0];
      assertThat(row).as("its file").contains(file);
    }
  }
}
