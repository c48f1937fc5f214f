package io.cgdev.cli;

import io.cgdev.cli.world.World;
import io.cgdev.sim.ScenarioRunner;
import io.cgdev.sim.scenario.Scenario;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cgdev fdinfo}: the DRM clients' usage stats after a scenario. */
@Command(
    name = "fdinfo",
    header = "Run a scenario and print its DRM clients' fdinfo.",
    description = "Runs a scenario (the demo unless --scenario) and prints each DRM client's fdinfo at the end "
        + "(drm-engine-<class>, drm-total-<region>, ...), or with --by-cgroup their sums per cgroup.",
    footer = "  cgdev fdinfo --scenario samples/scenarios/two-teams.yaml --by-cgroup")
final class FdinfoCommand extends CgdevCommand {
  @Mixin WorldOptions world;
  @Mixin Runs runs;
  @Option(names = "--scenario", paramLabel = "FILE", description = "the scenario to run (default: the demo)")
  Path scenarioFile;
  @Option(names = "--by-cgroup", description = "sum the clients' stats per cgroup (its whole subtree) and device instead")
  boolean byCgroup;
  @Override
  public Integer call() throws IOException {
    runs.noProgress = true;
    Scenario scenario = runs.adjust(WorldOptions.scenario(scenarioFile));
    try (World w = world.boot()) {
      ScenarioRunner runner = runs.runner(w, scenario);
      try {
        runner.run();
        runs.writeSnapshot(w);
      } finally {
        runner.release();
      }
      PrintWriter out = out();
      if (byCgroup) {
        out.print(FdinfoRollup.of(runner.clients()));
        out.flush();
        return ExitCodes.OK;
      }
      for (Map.Entry<String, String> e : runner.fdinfo().entrySet()) {
        out.println("# " + e.getKey());
        out.print(e.getValue());
        out.println();
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
