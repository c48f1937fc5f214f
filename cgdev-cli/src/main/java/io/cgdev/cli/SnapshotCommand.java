package io.cgdev.cli;

import io.cgdev.cli.world.World;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code cgdev snapshot}: the core's JSON snapshot of the whole hierarchy. */
@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    header = "Print a JSON snapshot of every cgroup and file.",
    description = "Prints a JSON snapshot of the hierarchy (controllers, devices, tasks, every cgroup with every "
        + "readable file) as the core takes it.",
    footerHeading = "%nExample:%n",
    footer = "  cgdev snapshot --scenario samples/scenarios/demo.yaml > snapshot.json")
final class SnapshotCommand implements Callable<Integer> {
  @Mixin WorldOptions world;

  @Mixin ScenarioTreeOption scenarioTree;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (World w = scenarioTree.boot(world)) {
      spec.commandLine().getOut().println(Worlds.snapshot(w));
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }
}
