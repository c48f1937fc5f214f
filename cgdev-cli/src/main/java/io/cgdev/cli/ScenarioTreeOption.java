package io.cgdev.cli;

import io.cgdev.cli.world.World;
import io.cgdev.sim.scenario.Scenario;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --scenario FILE} option of the commands that show a world's tree (a picocli mixin):
 * the world they boot gets the scenario's cgroup tree first; its tasks and workloads do not start.
 * Used on the command's thread, once per call.
 */
final class ScenarioTreeOption {
  @Option(names = "--scenario", paramLabel = "FILE", description = "build this scenario's cgroup tree first")
  Path scenarioFile;

  /**
   * Boots a world with {@code world}'s options and, with {@code --scenario}, builds the scenario's
   * tree in it. The scenario is read before the world boots, so a bad file fails without a boot. The
   * caller closes the world; if building the tree fails, the world is closed here.
   *
   * @throws io.cgdev.sim.scenario.ScenarioException when the scenario cannot be read or built
   * @throws BootException when the world does not boot
   */
  World boot(WorldOptions world) {
    Scenario scenario = scenarioFile == null ? null : WorldOptions.scenario(scenarioFile);
    World w = world.boot();
    try {
      if (scenario != null) {
        Worlds.buildTree(w, scenario);
      }
      return w;
    } catch (Throwable e) {
      try {
        w.close();
      } catch (Throwable closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }
}
