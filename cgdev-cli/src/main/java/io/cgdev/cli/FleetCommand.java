package io.cgdev.cli;

import io.cgdev.cli.shell.InteractiveShell;
import io.cgdev.fleet.FleetOptions;
import io.cgdev.fleet.FleetReplay;
import io.cgdev.fleet.FleetResult;
import io.cgdev.fleet.Policies;
import io.cgdev.fleet.PolicyResult;
import io.cgdev.fleet.SharingMode;
import io.cgdev.fleet.report.FleetHtml;
import io.cgdev.fleet.report.FleetJson;
import io.cgdev.fleet.trace.Trace;
import io.cgdev.fleet.trace.TraceException;
import io.cgdev.fleet.trace.TraceReader;
import io.cgdev.sim.Progress;
import io.cgdev.sim.ProgressBar;
import io.cgdev.sim.ProgressLines;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cgdev fleet}: the GPU cluster trace replayed on a fleet of hierarchies, one report per policy, side by side. */
@Command(
    name = "fleet",
    header = "Replay a GPU cluster trace under several placement policies.",
    description = "Replays a GPU cluster trace (the Alibaba GPU trace v2023 is built in) on a fleet: every node its own "
        + "cgroup hierarchy with its GPUs, every pod a cgroup whose GPU share, memory share and QoS are enforced "
        + "through the file view. Each placement policy gets the same trace and demand; the command prints the "
        + "comparison and writes fleet.json and fleet.html to --out. docs/FLEET.md describes the model.",
    footer = "  cgdev fleet --policies first-fit,frag --sharing max --out /tmp/fleet")
final class FleetCommand extends CgdevCommand {
  @Option(names = "--trace", paramLabel = "DIR",
      description = "a folder with openb_node_list_all_node.csv and openb_pod_list_<pods>.csv (default: the built-in copy)")
  Path trace;

  @Option(names = "--pods", paramLabel = "NAME", description = "which pod list: openb_pod_list_NAME.csv (default: ${DEFAULT-VALUE})")
  String pods = "default";

  @Option(names = "--policies", paramLabel = "P,...", split = ",",
      description = "placement policies, compared in this order (default: first-fit,best-fit,frag)")
  List<String> policies = FleetOptions.DEFAULT_POLICIES;

  @Option(names = "--sharing", paramLabel = "weight|max",
      description = "GPU share as cpu.weight (work-conserving) or as cpu.max (hard cap) besides the same cpu.weight (default: weight)")
  String sharing = "weight";

  @Option(names = "--seed", paramLabel = "N", description = "seed of the demand model (default: ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(names = "--threads", paramLabel = "N", description = "worker threads for the nodes (default: the number of cores)")
  Integer threads;

  @Option(names = "--out", paramLabel = "DIR", description = "where fleet.json and fleet.html go (default: ${DEFAULT-VALUE})")
  Path out = Path.of("cgdev-out");

  @Option(names = "--json", description = "print the report as JSON on stdout (instead of the table)")
  boolean json;

  @Option(names = "--no-progress", description = "no progress on stderr")
  boolean noProgress;

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = out();
    PrintWriter stderr = err();
    SharingMode mode;
    FleetOptions options;
    try {
      mode = switch (sharing) {
        case "weight" -> SharingMode.WEIGHT;
        case "max" -> SharingMode.MAX;
        default -> throw new IllegalArgumentException("--sharing '" + sharing + "': expected weight or max");
      };
      options = new FleetOptions(policies, mode, seed, FleetOptions.defaults().samples(),
          threads == null ? Runtime.getRuntime().availableProcessors() : threads);
      for (String p : options.policies()) {
        Policies.create(p); // an unknown name is a usage error before anything is read
      }
    } catch (IllegalArgumentException e) {
      stderr.println("cgdev fleet: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    Trace t;
    try {
      t = trace == null ? TraceReader.builtIn(pods) : TraceReader.fromFolder(trace, pods);
    } catch (TraceException | IllegalArgumentException e) {
      stderr.println("cgdev fleet: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    stderr.println(String.format(Locale.ROOT, "cgdev fleet: %s: %d nodes, %d GPUs, %d pods; policies %s; sharing %s",
        t.source(), t.nodes().size(), t.gpuCount(), t.pods().size(), String.join(", ", options.policies()), sharing));
    stderr.flush();
    boolean terminal = !noProgress && InteractiveShell.isTerminal();
    Progress progress = noProgress ? Progress.NONE : terminal ? new ProgressBar(System.err) : new ProgressLines(System.err);
    FleetResult result = new FleetReplay(t, options, progress).run();
    String jsonText = FleetJson.write(result);
    Files.createDirectories(out);
    Files.writeString(out.resolve("fleet.json"), jsonText, StandardCharsets.UTF_8);
    Files.writeString(out.resolve("fleet.html"), FleetHtml.write(result), StandardCharsets.UTF_8);
    if (json) {
      stdout.print(jsonText);
    } else {
      stdout.print(table(result));
      stdout.println("report: " + out.resolve("fleet.json") + ", " + out.resolve("fleet.html"));
    }
    stdout.flush();
    long events = result.policies().stream().mapToLong(PolicyResult::events).sum();
    stderr.println(String.format(Locale.ROOT, "replayed %d policies in %.1f s: %d node events", result.policies().size(),
        result.wallNanos() / 1e9, events));
    stderr.flush();
    return ExitCodes.OK;
  }

  /** The side-by-side comparison as a text table. */
  static String table(FleetResult r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-44s", "policy"));
    for (PolicyResult p : r.policies()) {
      sb.append(String.format(Locale.ROOT, "%14s", p.policy()));
    }
    sb.append('\n');
    line(sb, r, "inflation (FGD setting): allocated at 100%", p -> pct(p.inflation().finalAllocated()));
    line(sb, r, "inflation: GPUs unallocated at 100%", p -> String.format(Locale.ROOT, "%.0f",
        (1 - p.inflation().finalAllocated()) * r.gpus()));
    line(sb, r, "GPU allocation rate (time average)", p -> pct(p.allocation().allocationRate()));
    line(sb, r, "peak allocation rate", p -> pct(p.allocation().peakAllocationRate()));
    line(sb, r, "fragmentation (partly used GPUs, average)", p -> pct(p.allocation().fragmentation()));
    line(sb, r, "FGD expected fragmentation (average)", p -> pct(p.allocation().expectedFragmentation()));
    line(sb, r, "pods placed / never placed", p -> p.summary().placed() + "/" + p.summary().neverPlaced());
    line(sb, r, "pending hours", p -> String.format(Locale.ROOT, "%.1f", p.summary().pendingHours()));
    line(sb, r, "device time received / demanded", p -> pct(p.summary().receivedGpuHours() / Math.max(1e-9, p.summary().demandedGpuHours())));
    line(sb, r, "device time received / requested", p -> pct(p.summary().receivedGpuHours() / Math.max(1e-9, p.summary().entitledGpuHours())));
    line(sb, r, "LS SLO violations (of LS pods on GPUs)", p -> p.summary().lsSloViolations() + "/" + p.summary().lsPods());
    line(sb, r, "memory refusals (pods with any)", p -> p.summary().memoryRefusals() + " (" + p.summary().podsWithRefusals() + ")");
    line(sb, r, "nodes booted", p -> Integer.toString(p.nodesBooted()));
    return sb.toString();
  }

  private static void line(StringBuilder sb, FleetResult r, String label, java.util.function.Function<PolicyResult, String> f) {
    sb.append(String.format(Locale.ROOT, "%-44s", label));
    for (PolicyResult p : r.policies()) {
      sb.append(String.format(Locale.ROOT, "%14s", f.apply(p)));
    }
    sb.append('\n');
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.2f%%", v * 100);
  }
}
