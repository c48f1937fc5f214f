package io.cgdev.samples;

import io.cgdev.samples.scenario.Scenario;
import io.cgdev.samples.world.World;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cgdev snapshot}: the core's JSON snapshot of the whole hierarchy. */
@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    description = "Print a JSON snapshot of the hierarchy (cgroups, devices, every file) as the core makes it.")
final class SnapshotCommand implements Callable<Integer> {
  @Mixin WorldOptions world;

  @Option(names = "--scenario", paramLabel = "FILE", description = "build this scenario's cgroup tree first")
  Path scenarioFile;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Scenario scenario = scenarioFile == null ? null : WorldOptions.scenario(scenarioFile);
    try (World w = world.boot()) {
      if (scenario != null) {
        Worlds.buildTree(w, scenario);
      }
      spec.commandLine().getOut().println(Worlds.snapshot(w));
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }
}
