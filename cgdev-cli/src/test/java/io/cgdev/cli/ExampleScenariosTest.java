package io.cgdev.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The example files of docs/SCENARIOS.md (samples/scenarios) run, briefly, and report consistently. */
class ExampleScenariosTest {
  @ParameterizedTest
  @ValueSource(strings = {"demo.yaml", "two-teams.yaml", "protection.json", "freeze-kill.yaml", "resident.yaml",
      "pressure.yaml"})
  void eachExampleRuns(String name, @TempDir Path out) {
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    int code = Main.run(new String[] {"run", "../samples/scenarios/" + name, "--duration", "150ms", "--out", out.toString(),
        "--no-progress", "--json"}, new PrintWriter(stdout, true), new PrintWriter(stderr, true));
    assertThat(code).as(stderr.toString()).isZero();
    JsonNode report = JsonMapper.builder().build().readTree(stdout.toString());
    double sum = 0;
    for (JsonNode t : report.get("tenants")) {
      if (t.get("leaf").asBoolean()) {
        sum += t.get("deviceTime").get("share").asDouble();
      }
      assertThat(t.get("memory").get("peak").asLong()).isGreaterThanOrEqualTo(t.get("memory").get("current").asLong());
    }
    assertThat(sum).isBetween(0.99, 1.01);
  }
}
