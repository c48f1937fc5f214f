package io.cgdev.cli;

import io.cgdev.cli.tree.TreeWalker;
import io.cgdev.cli.world.World;
import io.cgdev.drm.DrmDevice;
import io.cgdev.i915.I915Driver;
import io.cgdev.sim.PluginDevices;
import io.cgdev.sim.Progress;
import io.cgdev.sim.ProgressBar;
import io.cgdev.sim.ProgressLines;
import io.cgdev.sim.ScenarioRunner;
import io.cgdev.sim.report.Report;
import io.cgdev.sim.report.ReportWriter;
import io.cgdev.sim.scenario.Durations;
import io.cgdev.sim.scenario.Scenario;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options and steps shared by {@code cgdev demo}, {@code cgdev run} and {@code cgdev fdinfo}. */
final class Runs {
  @Option(names = "--out", paramLabel = "DIR", description = "where report.json and report.html go (default: ${DEFAULT-VALUE})")
  Path out = Path.of("cgdev-out");

  @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
      description = "override the scenario's simulated duration, e.g. 2s")
  Long duration;

  /** Parses {@code --duration} while the command line is parsed, so a bad value is a usage error. */
  static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  @Option(names = "--json", description = "print the report as JSON on stdout (instead of the tree and the table)")
  boolean json;

  @Option(names = "--no-progress", description = "no progress bar on stderr")
  boolean noProgress;

  @Option(names = "--no-tree", description = "do not print the cgroup tree at the end")
  boolean noTree;

  @Option(names = "--snapshot", paramLabel = "FILE",
      description = "also write the JSON snapshot of the hierarchy at the end of the run to FILE (every file of every cgroup, as 'cgdev snapshot' prints it)")
  Path snapshot;

  /** The scenario with the duration override applied. */
  Scenario adjust(Scenario s) {
    return duration == null ? s : s.withDuration(duration);
  }

  /** The DRM devices of the probed drivers, by name. */
  static Map<String, DrmDevice> drmDevices(World w) {
    Map<String, DrmDevice> devices = new LinkedHashMap<>();
    w.cgroups().driver(I915Driver.class).ifPresent(d -> d.devices().forEach(dev -> devices.put(dev.name(), dev)));
    return devices;
  }

  /** A runner for a scenario in a booted world. */
  ScenarioRunner runner(World w, Scenario s) {
    boolean terminal = !noProgress && io.cgdev.cli.shell.InteractiveShell.isTerminal();
    Progress progress = noProgress ? Progress.NONE : terminal ? new ProgressBar(System.err) : new ProgressLines(System.err);
    PluginDevices.Found plugins = w.pluginDevices();
    ScenarioRunner runner = new ScenarioRunner(w.scenarioFs(), w.tasks(), w.cgroups().controllers(), drmDevices(w),
        plugins.devices(), s, Worlds.device(w, s), progress);
    if (!w.folderPlugins().isEmpty()) {
      runner.note("plugins loaded: " + String.join(", ", w.folderPlugins()));
    }
    plugins.notes().forEach(runner::note);
    return runner;
  }

  /** The files the end-of-run tree shows: the per-device figures the report is about. */
  static final java.util.Set<String> TREE_FILES = java.util.Set.of(
      "memory.current", "memory.peak", "memory.max", "memory.high", "memory.low", "memory.min", "memory.events",
      "cpu.weight", "cpu.max", "cpu.stat", "cpuset.cpus.effective",
      "gem.current", "gem.max", "gem.events");

  /** Cgroups the end-of-run tree shows at most ({@code cgdev tree} shows all). */
  static final int TREE_CGROUPS = 100;

  /** Runs a scenario, prints and writes what it produced, and lets the workloads go. */
  int runAndReport(World w, Scenario s, PrintWriter stdout, PrintWriter stderr) throws IOException {
    ScenarioRunner runner = runner(w, s);
    try {
      return finish(w, runner.run(), stdout, stderr);
    } finally {
      runner.release();
    }
  }

  /** Writes the end-of-run snapshot if {@code --snapshot} asked for one; call before the workloads let go. */
  void writeSnapshot(World w) throws IOException {
    if (snapshot != null) {
      Path parent = snapshot.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(snapshot, Worlds.snapshot(w, false) + "\n");
    }
  }

  /** Prints and writes what a finished run produced. */
  int finish(World w, Report report, PrintWriter stdout, PrintWriter stderr) throws IOException {
    writeSnapshot(w);
    ReportWriter.writeFiles(report, out);
    if (json) {
      ReportWriter.writeJson(report, stdout);
      stdout.println();
    } else {
      if (!noTree) {
        stdout.println("The cgroup tree at the end (the per-device files the report is about; 'cgdev tree' shows all):");
        stdout.print(new TreeWalker(w.fs()).files(TREE_FILES::contains).maxCgroups(TREE_CGROUPS).render("/"));
        stdout.println();
      }
      stdout.print(ReportWriter.table(report));
      stdout.println();
      stdout.println("report: " + out.resolve("report.json") + ", " + out.resolve("report.html"));
    }
    stdout.flush();
    stderr.println(String.format(Locale.ROOT, "simulated %s in %.0f ms: %d events, %.0f events/s",
        Durations.format(report.durationNanos()), report.wallNanos() / 1e6, report.events(), report.eventsPerSecond()));
    stderr.flush();
    return ExitCodes.OK;
  }
}
