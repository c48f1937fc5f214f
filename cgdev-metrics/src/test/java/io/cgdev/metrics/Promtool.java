package io.cgdev.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Prometheus' own parser and linter, {@code promtool check metrics} (Debian's {@code prometheus}
 * package). Without it the check skips with one line, unless CI is set ({@code .ci/run} installs it).
 */
final class Promtool {
  private Promtool() {}

  static Path find() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path p = Path.of(dir, "promtool");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** Passes the exposition to {@code promtool check metrics}; asserts it finds no problem. */
  static void check(String exposition) throws IOException, InterruptedException {
    Path promtool = find();
    if (promtool == null) {
      String line = "promtool not found: the exposition is not checked by Prometheus' parser (apt-get install prometheus)";
      if (System.getenv("CI") != null) {
        throw new AssertionError(line + "; CI requires it");
      }
      System.err.println("SKIPPED: " + line);
      Assumptions.abort(line);
    }
    Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
    p.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool ends").isTrue();
    assertThat(p.exitValue()).as("promtool check metrics said:%n%s", out).isZero();
    assertThat(out).as("promtool's findings").isBlank();
  }
}
