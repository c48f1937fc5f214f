package io.cgdev.cli;

import io.cgdev.cli.world.World;
import io.cgdev.metrics.MetricsServer;
import io.cgdev.sim.scenario.Scenario;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code cgdev run FILE}: a user scenario. With {@code --metrics} the tree's Prometheus metrics are
 * served while the scenario runs and, since a simulation is soon over, afterwards until Ctrl-C or
 * SIGTERM, so that the final tree can be scraped.
 */
@Command(
    name = "run",
    header = "Run a scenario file in simulated time and report on it.",
    description = "Reads a scenario file (YAML or JSON; docs/SCENARIOS.md), builds its cgroup tree, runs its workloads "
        + "in simulated time, prints the tree and the report, and writes report.json and report.html to --out. With "
        + "--metrics ADDR:PORT the tree's Prometheus metrics are served while it runs and then until Ctrl-C or SIGTERM.",
    footer = "  cgdev run samples/scenarios/two-teams.yaml --duration 2s --out /tmp/teams")
final class RunCommand extends CgdevCommand {
  @Mixin WorldOptions world;
  @Mixin Runs runs;
  @Mixin MetricsOption metrics;
  @Parameters(paramLabel = "SCENARIO", description = "the scenario file (.yaml, .yml or .json)")
  Path file;
  @Override
  public Integer call() throws IOException {
    Scenario scenario = runs.adjust(WorldOptions.scenario(file));
    java.io.PrintWriter err = err();
    try (World w = world.boot(); MetricsServer served = metrics.serve(w.fs(), "cgdev run", err)) {
      int code = runs.runAndReport(w, scenario, out(), err);
      if (served != null) {
        err.println("cgdev run: serving the final tree's metrics at " + served.url() + " until Ctrl-C or SIGTERM");
        err.flush();
        awaitSignal();
      }
      return code;
    }
  }

  /** Waits until the JVM is stopped by a signal (or, in-process, until this thread is interrupted). */
  private static void awaitSignal() {
    try {
      new java.util.concurrent.CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
