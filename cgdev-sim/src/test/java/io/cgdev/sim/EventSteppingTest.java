package io.cgdev.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.core.Cgroups;
import io.cgdev.sim.report.Report;
import io.cgdev.sim.report.ReportWriter;
import io.cgdev.sim.scenario.Scenario;
import io.cgdev.sim.scenario.ScenarioParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Event-stepped streams ({@link Workloads#stepDue}, the runner's default) against tick-stepped ones
 * ({@link Workloads#step}, every stream every tick): the same scenario must give the same report, byte
 * for byte (its JSON, the wall time aside), the same fdinfo of every client and the same clients. On
 * the project's sample scenarios and on seeded random ones that exercise what a skipped step must not
 * miss: memory limits that refuse and reclaim (retry backoff), churn at rates that are not a whole
 * number of ticks, late starts and early stops, freezes, kills and timed writes, {@code cpu.max} caps,
 * and a duration that is not a whole number of ticks (a shorter last step). A failure prints the seed
 * and the scenario.
 *
 * <p>Time budget: the sample scenarios (demo, freeze-kill, 100 workloads over 10 s...) twice each and
 * 24 random runs of at most 1.5 simulated seconds twice each: about 10-20 s on the shared 2-core build
 * machine.
 */
class EventSteppingTest {
  private static final String[] CLASSES = {"render", "copy", "video", "compute"};

  static Stream<Path> samples() throws IOException {
    // demo-with-samples runs on the sample plugin drivers' devices, which only cgdev-cli's tests load
    return Files.list(Path.of("..", "samples", "scenarios"))
        .filter(p -> p.toString().endsWith(".yaml") && !p.getFileName().toString().equals("demo-with-samples.yaml")).sorted();
  }

  @ParameterizedTest
  @MethodSource("samples")
  void sampleScenariosGiveTheSameReportEitherWay(Path file) {
    Scenario scenario = ScenarioParser.parse(file);
    assertThat(run(scenario, false)).isEqualTo(run(scenario, true));
  }

  @RepeatedTest(24)
  void randomScenariosGiveTheSameReportEitherWay(RepetitionInfo info) {
    long seed = 0x5_7e9L * 7919 + info.getCurrentRepetition();
    String yaml = scenario(new Random(seed));
    try {
      Scenario scenario = ScenarioParser.parse("random.yaml", yaml);
      assertThat(run(scenario, false)).isEqualTo(run(scenario, true));
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("seed " + seed + ": " + e.getMessage() + "\n" + yaml, e);
    }
  }

  /** The report's JSON with the wall time taken out, then every client's fdinfo. */
  private static String run(Scenario scenario, boolean tickStepped) {
    try (Cgroups cg = SimWorlds.boot()) {
      ScenarioRunner runner = SimWorlds.runner(cg, scenario);
      if (tickStepped) {
        runner.tickStepped();
      }
      try {
        Report r = runner.run();
        Report timeless = new Report(r.scenario(), r.description(), r.device(), r.region(), r.durationNanos(), 0,
            r.events(), r.tenants(), r.series(), r.notes());
        return ReportWriter.json(timeless) + "\n" + runner.fdinfo() + "\n" + runner.clients();
      } finally {
        runner.release();
      }
    }
  }

  /** 2-5 tenants, some with two children, with memory limits tight enough to refuse and reclaim. */
  static String scenario(Random rnd) {
    long tickUs = new long[] {1000, 1000, 700, 2000}[rnd.nextInt(4)];
    long durationUs = 600_000 + 100_000 * rnd.nextInt(9) + (rnd.nextBoolean() ? 0 : 1 + rnd.nextInt((int) tickUs - 1));
    StringBuilder sb = new StringBuilder();
    sb.append("duration: ").append(durationUs).append("us\ntick: ").append(tickUs).append("us\nsamples: ")
        .append(5 + rnd.nextInt(40)).append("\ntenants:\n");
    int tenants = 2 + rnd.nextInt(4);
    for (int i = 0; i < tenants; i++) {
      sb.append("  - name: t").append(i).append('\n');
      List<String> cpu = new ArrayList<>();
      cpu.add("weight: " + new int[] {50, 100, 200, 400}[rnd.nextInt(4)]);
      if (rnd.nextInt(4) == 0) {
        cpu.add("max: " + (20_000 + 10_000 * rnd.nextInt(30)) + " 100000");
      }
      sb.append("    cpu: { ").append(String.join(", ", cpu)).append(" }\n");
      if (rnd.nextInt(3) > 0) {
        sb.append("    memory: { max: ").append(32 * (2 + rnd.nextInt(12))).append("M }\n");
      }
      timed(rnd, sb, "    ", durationUs);
      if (rnd.nextInt(3) == 0) {
        sb.append("    children:\n");
        for (int c = 0; c < 2; c++) {
          sb.append("      - name: c").append(c).append('\n');
          sb.append("        cpu: { weight: ").append(new int[] {50, 100, 300}[rnd.nextInt(3)]).append(" }\n");
          sb.append("        workloads:\n");
          workloads(rnd, sb, "          ", "t" + i + "c" + c, 1 + rnd.nextInt(2), durationUs);
        }
      } else {
        sb.append("    workloads:\n");
        workloads(rnd, sb, "      ", "t" + i, 1 + rnd.nextInt(3), durationUs);
      }
    }
    return sb.toString();
  }

  private static void timed(Random rnd, StringBuilder sb, String indent, long durationUs) {
    if (rnd.nextInt(4) == 0) {
      long from = durationUs / 10 * (1 + rnd.nextInt(4)) + rnd.nextInt(3000);
      sb.append(indent).append("freeze: ").append(from).append("us..").append(from + 50_000 + rnd.nextInt(200_000))
          .append("us\n");
    }
    if (rnd.nextInt(6) == 0) {
      sb.append(indent).append("kill: ").append(durationUs / 2 + rnd.nextInt((int) (durationUs / 2))).append("us\n");
    }
    if (rnd.nextInt(3) == 0) {
      sb.append(indent).append("schedule:\n");
      sb.append(indent).append("  - { at: ").append(rnd.nextInt((int) durationUs)).append("us, file: ")
          .append(rnd.nextBoolean() ? "cpu.devices/i915.0/cpu.weight, value: " + (50 + rnd.nextInt(500))
              : "memory.devices/i915.0/memory.max, value: " + (32 * (1 + rnd.nextInt(8))) + "M")
          .append(" }\n");
    }
  }

  private static void workloads(Random rnd, StringBuilder sb, String indent, String name, int n, long durationUs) {
    for (int w = 0; w < n; w++) {
      sb.append(indent).append(String.format(Locale.ROOT, "- { name: %s_%d", name, w));
      if (rnd.nextInt(8) > 0) {
        sb.append(", engine: ").append(CLASSES[rnd.nextInt(CLASSES.length)]).append(", load: ")
            .append(new double[] {0.2, 0.5, 1, 1.5, 2, 3}[rnd.nextInt(6)]).append(", batch: ")
            .append(new int[] {300, 1000, 1000, 2000, 3500}[rnd.nextInt(5)]).append("us");
      }
      if (rnd.nextInt(6) > 0) {
        sb.append(", memory: { size: ").append(8 * (1 + rnd.nextInt(8))).append("M, count: ").append(1 + rnd.nextInt(6));
        int churn = new int[] {0, 3, 7, 20, 333}[rnd.nextInt(5)];
        if (churn > 0) {
          sb.append(", churn: ").append(churn).append("/s");
        }
        sb.append(" }");
      }
      if (rnd.nextInt(4) == 0) {
        sb.append(", start: ").append(rnd.nextInt((int) (durationUs / 2))).append("us");
      }
      if (rnd.nextInt(4) == 0) {
        sb.append(", stop: ").append(durationUs / 2 + rnd.nextInt((int) (durationUs / 2))).append("us");
      }
      sb.append(" }\n");
    }
  }
}
