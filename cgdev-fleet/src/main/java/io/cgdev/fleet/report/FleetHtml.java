package io.cgdev.fleet.report;

import io.cgdev.fleet.FleetReplay;
import io.cgdev.fleet.FleetResult;
import io.cgdev.fleet.PolicyResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The fleet report as one HTML page: the policies side by side (a table and bar charts), allocation
 * and fragmentation over the trace's time, and per policy the LS pods that received the least of
 * their demand. Self-contained (inline SVG, no scripts).
 */
public final class FleetHtml {
  private static final int WORST = 15;

  private FleetHtml() {}

  /** The page for {@code result}. */
  public static String write(FleetResult r) {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>cgdev fleet report</title>\n")
        .append("<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0}")
        .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}td.l,th.l{text-align:left}")
        .append("</style></head><body>\n");
    sb.append("<h1>cgdev fleet: placement policies compared</h1>\n<p>Trace: ").append(esc(r.trace())).append(" — ")
        .append(r.nodes()).append(" nodes, ").append(r.gpus()).append(" GPUs, ")
        .append(r.policies().isEmpty() ? 0 : r.policies().get(0).summary().pods()).append(" pods over ")
        .append(String.format(Locale.ROOT, "%.1f", r.horizonSeconds() / 86400.0)).append(" days. Sharing: <code>")
        .append(r.options().mode() == io.cgdev.fleet.SharingMode.WEIGHT ? "cpu.weight" : "cpu.max").append("</code>, seed ")
        .append(r.options().seed()).append(String.format(Locale.ROOT, ". Replayed in %.1f s.</p>%n", r.wallNanos() / 1e9));
    comparison(sb, r);
    List<String> names = r.policies().stream().map(PolicyResult::policy).toList();
    Map<String, List<Double>> bars = new LinkedHashMap<>();
    for (PolicyResult p : r.policies()) {
      PolicyResult.Allocation a = p.allocation();
      bars.put(p.policy(), List.of(a.allocationRate() * 100, a.fragmentation() * 100, a.expectedFragmentation() * 100));
    }
    sb.append("<h2>The FGD paper's setting: workload inflation (placement only)</h2>\n<p>Pods drawn at random from the trace ")
        .append("arrive on the empty cluster and never leave, until their GPU requests reach the cluster's capacity; a pod no ")
        .append("node can take fails. GPUs left unallocated when the arrived requests reach the capacity (lower is better):</p>\n");
    if (!r.policies().isEmpty()) {
      Map<String, List<Double>> unallocated = new LinkedHashMap<>();
      for (PolicyResult p : r.policies()) {
        PolicyResult.Inflation f = p.inflation();
        unallocated.put(p.policy(), List.of((1 - f.finalAllocated()) * r.gpus(),
            (f.stranded().isEmpty() ? 0 : f.stranded().get(f.stranded().size() - 1)) * r.gpus(),
            (f.failed().isEmpty() ? 0 : f.failed().get(f.failed().size() - 1)) * r.gpus()));
      }
      sb.append(Charts.bars("inflation-bars", List.of("GPUs unallocated at 100% arrived", "of them on partly used GPUs",
          "GPUs asked by pods that failed"), unallocated, v -> String.format(Locale.ROOT, "%.0f", v)));
      sb.append("<p>Fragmentation (unallocated share on partly allocated GPUs, of all GPUs) as the workload arrives:</p>\n");
      List<Double> arrived = r.policies().get(0).inflation().arrived().stream().map(v -> v * 100).toList();
      double top = r.policies().stream().flatMap(p -> p.inflation().stranded().stream()).mapToDouble(Double::doubleValue)
          .max().orElse(0);
      sb.append(Charts.lines("inflation", arrived, series(r, p -> p.inflation().stranded()), Math.max(0.01, top * 1.1),
          FleetHtml::percent, "%"));
    }
    sb.append("<h2>Allocation over the trace's time (placement only)</h2>\n");
    sb.append(Charts.bars("allocation-bars", List.of("GPU allocation rate", "fragmentation (partly used GPUs)",
        "FGD expected fragmentation"), bars, v -> String.format(Locale.ROOT, v < 1 ? "%.2f%%" : "%.1f%%", v)));
    Map<String, List<Double>> outcome = new LinkedHashMap<>();
    for (PolicyResult p : r.policies()) {
      PolicyResult.Summary s = p.summary();
      outcome.put(p.policy(), List.of(s.pendingHours(), (double) s.lsSloViolations(), (double) s.memoryRefusals(),
          (double) s.neverPlaced()));
    }
    sb.append("<h2>What the pods got</h2>\n");
    sb.append(Charts.bars("outcome-bars", List.of("pending hours", "LS SLO violations", "memory refusals", "never placed"),
        outcome, v -> String.format(Locale.ROOT, "%.0f", v)));
    if (!r.policies().isEmpty()) {
      List<Double> days = r.policies().get(0).allocation().sampleSeconds().stream().map(s -> s / 86400.0).toList();
      sb.append("<h2>GPU allocation rate over time</h2>\n");
      sb.append(Charts.lines("allocated", days, series(r, p -> p.allocation().allocated()), 1.0, FleetHtml::percent, "d"));
      sb.append("<h2>Fragmentation over time</h2>\n<p>Unallocated share on partly allocated GPUs, of all GPUs.</p>\n");
      double topStranded = r.policies().stream().flatMap(p -> p.allocation().stranded().stream()).mapToDouble(Double::doubleValue)
          .max().orElse(0);
      sb.append(Charts.lines("stranded", days, series(r, p -> p.allocation().stranded()), Math.max(0.01, topStranded * 1.1), FleetHtml::percent, "d"));
      sb.append("<h2>Pending pods over time</h2>\n");
      Map<String, List<Double>> pending = new LinkedHashMap<>();
      double maxPending = 4;
      for (PolicyResult p : r.policies()) {
        List<Double> v = p.allocation().pending().stream().map(Integer::doubleValue).toList();
        pending.put(p.policy(), v);
        maxPending = Math.max(maxPending, v.stream().mapToDouble(Double::doubleValue).max().orElse(0));
      }
      sb.append(Charts.lines("pending", days, pending, maxPending, v -> String.format(Locale.ROOT, "%.0f", v), "d"));
    }
    for (PolicyResult p : r.policies()) {
      worst(sb, p, names);
    }
    sb.append("</body></html>\n");
    return sb.toString();
  }

  private static Map<String, List<Double>> series(FleetResult r, Function<PolicyResult, List<Double>> f) {
    Map<String, List<Double>> out = new LinkedHashMap<>();
    for (PolicyResult p : r.policies()) {
      out.put(p.policy(), f.apply(p));
    }
    return out;
  }

  private static void comparison(StringBuilder sb, FleetResult r) {
    sb.append("<h2>Side by side</h2>\n<table><tr><th class=\"l\">figure</th>");
    for (PolicyResult p : r.policies()) {
      sb.append("<th>").append(esc(p.policy())).append("</th>");
    }
    sb.append("</tr>\n");
    row(sb, r, "inflation: GPUs allocated at 100% arrived", p -> percent(p.inflation().finalAllocated()));
    row(sb, r, "inflation: GPUs unallocated at 100% arrived", p -> String.format(Locale.ROOT, "%.0f",
        (1 - p.inflation().finalAllocated()) * r.gpus()));
    row(sb, r, "GPU allocation rate (time average)", p -> percent(p.allocation().allocationRate()));
    row(sb, r, "peak allocation rate", p -> percent(p.allocation().peakAllocationRate()));
    row(sb, r, "fragmentation (partly used GPUs, time average)", p -> percent(p.allocation().fragmentation()));
    row(sb, r, "FGD expected fragmentation (average)", p -> percent(p.allocation().expectedFragmentation()));
    row(sb, r, "pods placed", p -> Integer.toString(p.summary().placed()));
    row(sb, r, "pods never placed", p -> Integer.toString(p.summary().neverPlaced()));
    row(sb, r, "pods that waited", p -> Integer.toString(p.summary().waited()));
    row(sb, r, "pending hours", p -> fmt(p.summary().pendingHours()));
    row(sb, r, "device time received / demanded", p -> percent(p.summary().receivedGpuHours() / Math.max(1e-9, p.summary().demandedGpuHours())));
    row(sb, r, "device time received / requested (share × time)", p -> percent(p.summary().receivedGpuHours() / Math.max(1e-9, p.summary().entitledGpuHours())));
    row(sb, r, "GPU-hours received", p -> fmt(p.summary().receivedGpuHours()));
    row(sb, r, "LS pods on GPUs", p -> Integer.toString(p.summary().lsPods()));
    row(sb, r, "LS SLO violations (< " + Math.round(FleetReplay.SLO_FRACTION * 100) + "% of demand)",
        p -> Integer.toString(p.summary().lsSloViolations()));
    row(sb, r, "memory refusals (pods with any)", p -> p.summary().memoryRefusals() + " (" + p.summary().podsWithRefusals() + ")");
    row(sb, r, "GPU-hours below min(demand, share)", p -> fmt(p.summary().breachGpuHours()));
    row(sb, r, "nodes booted", p -> Integer.toString(p.nodesBooted()));
    row(sb, r, "events", p -> Long.toString(p.events()));
    sb.append("</table>\n");
  }

  private static void row(StringBuilder sb, FleetResult r, String label, Function<PolicyResult, String> f) {
    sb.append("<tr><td class=\"l\">").append(esc(label)).append("</td>");
    for (PolicyResult p : r.policies()) {
      sb.append("<td>").append(esc(f.apply(p))).append("</td>");
    }
    sb.append("</tr>\n");
  }

  private static void worst(StringBuilder sb, PolicyResult p, List<String> names) {
    List<PolicyResult.Pod> ls = new ArrayList<>();
    for (PolicyResult.Pod pod : p.pods()) {
      if (pod.qos().equals("LS") && pod.demanded() > 0) {
        ls.add(pod);
      }
    }
    ls.sort(Comparator.comparingDouble((PolicyResult.Pod x) -> x.received() / x.demanded()).thenComparing(PolicyResult.Pod::name));
    sb.append("<h2>").append(esc(p.policy())).append(": the LS pods that got the least of their demand</h2>\n")
        .append("<table><tr><th class=\"l\">pod</th><th class=\"l\">node</th><th>GPUs × share</th><th>received / demanded</th>")
        .append("<th>received / requested</th><th>pending</th><th>memory refusals</th></tr>\n");
    for (PolicyResult.Pod pod : ls.subList(0, Math.min(WORST, ls.size()))) {
      sb.append("<tr><td class=\"l\">").append(esc(pod.name())).append("</td><td class=\"l\">").append(esc(pod.node()))
          .append("</td><td>").append(pod.gpus()).append(" × ").append(pod.gpuMilli()).append("‰</td><td>")
          .append(percent(pod.received() / pod.demanded())).append("</td><td>")
          .append(percent(pod.entitled() <= 0 ? 0 : pod.received() / pod.entitled())).append("</td><td>")
          .append(pod.pendingSeconds()).append(" s</td><td>").append(pod.refusals()).append("</td></tr>\n");
    }
    sb.append("</table>\n");
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** A fraction as a percentage; small ones with two decimals, so 0.04% does not read as 0.0%. */
  static String percent(double v) {
    return String.format(Locale.ROOT, v != 0 && Math.abs(v) < 0.01 ? "%.2f%%" : "%.1f%%", v * 100);
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
