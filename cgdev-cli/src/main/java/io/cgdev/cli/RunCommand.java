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
    description = "Run a scenario file (YAML or JSON; docs/SCENARIOS.md): build its cgroup tree, run its workloads "
        + "in simulated time, print the tree and the report, write report.json and report.html to --out.")
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
