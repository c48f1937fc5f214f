package io.cgdev.cli;

import io.cgdev.cli.world.World;
import io.cgdev.sim.scenario.Scenario;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

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
final class DemoCommand implements Callable<Integer> {
  @Mixin WorldOptions world;
  @Mixin Runs runs;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Scenario scenario = runs.adjust(WorldOptions.scenario(world.withSamples ? WorldOptions.DEMO_WITH_SAMPLES : null));
    try (World w = world.boot()) {
      return runs.runAndReport(w, scenario, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
  }
}
