package io.cgdev.cli;

import io.cgdev.cli.world.World;
import io.cgdev.sim.scenario.Scenario;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code cgdev demo}: the built-in scenario. */
@Command(
    name = "demo",
    header = "Run the built-in demo: three tenants share a modelled i915 GPU.",
    description = {
      "The i915 model registers, and three tenants share it: inference (high cpu.weight, memory.low protection), "
          + "training (a large memory.max, most engines) and batch (a cpu.max cap, copy and video engines only).",
      "Prints the cgroup tree and a report table, and writes report.json and report.html to --out."
    },
    footer = "  cgdev demo --duration 2s --out /tmp/demo")
final class DemoCommand extends CgdevCommand {
  @Mixin WorldOptions world;
  @Mixin Runs runs;
  @Override
  public Integer call() throws IOException {
    Scenario scenario = runs.adjust(WorldOptions.scenario(world.withSamples ? WorldOptions.DEMO_WITH_SAMPLES : null));
    try (World w = world.boot()) {
      return runs.runAndReport(w, scenario, out(), err());
    }
  }
}
