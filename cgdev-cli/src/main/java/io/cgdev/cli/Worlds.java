package io.cgdev.cli;

import io.cgdev.api.CgroupException;
import io.cgdev.api.FsEntry;
import io.cgdev.cli.world.World;
import io.cgdev.sim.PluginDevices;
import io.cgdev.sim.Workloads;
import io.cgdev.sim.scenario.Scenario;
import io.cgdev.sim.scenario.ScenarioException;
import io.cgdev.sim.scenario.TreeBuilder;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** What several subcommands do with a booted world. */
final class Worlds {
  private Worlds() {}

  /** Builds a scenario's cgroup tree (no workloads). */
  static void buildTree(World w, Scenario scenario) {
    new TreeBuilder(w.scenarioFs(), w.cgroups().controllers(), device(w, scenario)).build(scenario);
  }

  /**
   * Spawns a scenario's tasks with their DRM clients (and those on plugin devices) in a world whose
   * tree the scenario built: what {@code mount --scenario} serves, and so what {@code snapshot --state}
   * must spawn too for a state file's task moves to find the same tasks. Nothing runs; the caller
   * releases the workloads.
   */
  static Workloads startWorkloads(World w, Scenario scenario, Map<String, PluginDevices.Device> pluginDevices) {
    Workloads workloads = new Workloads(scenario, w.tasks(), Runs.drmDevices(w), pluginDevices, device(w, scenario));
    workloads.start();
    return workloads;
  }

  /**
   * The device a scenario refers to by default: its {@code device:} field, else the first device
   * folder found at the root.
   */
  static String device(World w, Scenario scenario) {
    Set<String> devices = devices(w);
    if (scenario.device() != null) {
      if (!devices.contains(scenario.device())) {
        throw new ScenarioException(scenario.source(), 1, "device",
            "no device '" + scenario.device() + "' registered (present: " + String.join(", ", devices) + ")");
      }
      return scenario.device();
    }
    if (devices.isEmpty()) {
      throw new ScenarioException(scenario.source(), 1, "device", "no device is registered: is a driver (i915) on the module path?");
    }
    return devices.iterator().next();
  }

  /**
   * The registered devices, and the names that appear under any {@code <controller>.devices} folder
   * of the root (or its {@code devices} folder in that layout).
   */
  static Set<String> devices(World w) {
    Set<String> names = new java.util.LinkedHashSet<>(w.cgroups().devices());
    boolean perDevice = w.cgroups().layout() == io.cgdev.core.Cgroups.Layout.PER_DEVICE;
    for (FsEntry e : w.fs().list("/")) {
      if (e.isDirectory() && (perDevice ? e.name().equals("devices") : e.name().endsWith(".devices"))) {
        try {
          w.fs().list("/" + e.name()).forEach(d -> names.add(d.name()));
        } catch (CgroupException ignored) {
          // a folder that vanished between list and list: nothing to add
        }
      }
    }
    return names;
  }

  /**
   * A JSON snapshot of the whole hierarchy, as the core takes it, each cgroup's settings apart from
   * its status; with {@code configurationOnly}, the settings alone (what {@code cgdev restore}
   * rebuilds). Take it while nothing else changes the tree.
   */
  static String snapshot(World w, boolean configurationOnly) {
    io.cgdev.core.snapshot.Snapshot s = w.cgroups().snapshot();
    io.cgdev.state.Configuration c = io.cgdev.state.Configuration.read(w.fs());
    return configurationOnly ? SnapshotJson.renderConfiguration(s, c) : SnapshotJson.render(s, c);
  }
}
