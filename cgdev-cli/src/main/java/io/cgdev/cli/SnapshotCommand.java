package io.cgdev.cli;

import io.cgdev.cli.world.World;
import io.cgdev.sim.Workloads;
import io.cgdev.sim.scenario.Scenario;
import io.cgdev.state.StateFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cgdev snapshot}: the core's JSON snapshot of the whole hierarchy (or, with {@code
 * --configuration}, the part {@code cgdev restore} rebuilds), optionally of the tree a state file
 * keeps.
 */
@Command(
    name = "snapshot",
    header = "Print a JSON snapshot of every cgroup and file.",
    description = "Prints a JSON snapshot of the hierarchy as the core makes it: devices, tasks and every cgroup with "
        + "its settings ('configuration', which 'cgdev restore' writes back) and the rest of its files ('status': "
        + "counters, usage, effective values). --state FILE shows the tree a state file keeps ('cgdev mount "
        + "--state'), without changing the file.",
    footer = "  cgdev snapshot --scenario samples/scenarios/demo.yaml > snapshot.json")
final class SnapshotCommand extends CgdevCommand {
  @Mixin WorldOptions world;

  @Mixin ScenarioTreeOption scenarioTree;

  @Option(names = "--state", paramLabel = "FILE",
      description = "replay this state file first (with --scenario: the scenario it was made over); the file is not changed")
  Path stateFile;

  @Mixin SnapshotForm form;

  @Override
  public Integer call() {
    PrintWriter err = err();
    try (World w = scenarioTree.boot(world)) {
      Workloads workloads = null;
      try {
        if (stateFile != null) {
          workloads = spawnScenarioTasks(w);
          StateFile.Replay replay = StateFile.load(stateFile, StateFiles.base(w, scenarioTree.scenarioFile), w.fs(),
              w.tasks());
          replay.notes().forEach(n -> err.println("cgdev snapshot: " + n));
          err.flush();
        }
        out().println(form.render(w));
        out().flush();
      } finally {
        if (workloads != null) {
          workloads.release();
        }
      }
      return ExitCodes.OK;
    }
  }

  /**
   * With {@code --scenario}, spawns the scenario's tasks (and their DRM clients) as {@code cgdev
   * mount} does ({@link Worlds#startWorkloads}), so that the state's task moves find them; nothing runs.
   */
  private Workloads spawnScenarioTasks(World w) {
    if (scenarioTree.scenarioFile == null) {
      return null;
    }
    Scenario scenario = WorldOptions.scenario(scenarioTree.scenarioFile);
    return Worlds.startWorkloads(w, scenario, w.pluginDevices().devices());
  }
}
