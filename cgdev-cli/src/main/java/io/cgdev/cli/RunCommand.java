package io.cgdev.cli;

import io.cgdev.cli.world.World;
import io.cgdev.sim.scenario.Scenario;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cgdev run FILE}: a user scenario. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    header = "Run a scenario file in simulated time and report on it.",
    description = "Reads a scenario file (YAML or JSON; docs/SCENARIOS.md), builds its cgroup tree, runs its workloads "
        + "in simulated time, prints the tree and the report, and writes report.json and report.html to --out.",
    footerHeading = "%nExample:%n",
    footer = "  cgdev run samples/scenarios/two-teams.yaml --duration 2s --out /tmp/teams")
final class RunCommand implements Callable<Integer> {
  @Mixin WorldOptions world;
  @Mixin Runs runs;
  @Parameters(paramLabel = "SCENARIO", description = "the scenario file (.yaml, .yml or .json)")
  Path file;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Scenario scenario = runs.adjust(WorldOptions.scenario(file));
    try (World w = world.boot()) {
      return runs.runAndReport(w, scenario, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
  }
}
