package io.cgdev.fleet.report;

import io.cgdev.fleet.FleetResult;
import io.cgdev.fleet.PolicyResult;
import java.io.StringWriter;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fleet report as JSON: the trace, the options, and per policy its allocation figures (with the
 * sampled series), the pods' summary and every pod. Fields in a fixed order, no wall-clock figure, so
 * the same trace, options and seed give byte-identical output.
 */
public final class FleetJson {
  private static final ObjectWriter PRETTY = JsonMapper.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build()
      .writerWithDefaultPrettyPrinter();

  private FleetJson() {}

  /** The report of {@code result}, pretty-printed, ending with a newline. */
  public static String write(FleetResult result) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = PRETTY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringProperty("trace", result.trace());
      g.writeNumberProperty("nodes", result.nodes());
      g.writeNumberProperty("gpus", result.gpus());
      g.writeNumberProperty("horizonSeconds", result.horizonSeconds());
      g.writeName("options");
      g.writeStartObject();
      g.writeStringProperty("mode", result.options().mode().option());
      g.writeNumberProperty("seed", result.options().seed());
      g.writeNumberProperty("samples", result.options().samples());
      g.writeEndObject();
      g.writeName("policies");
      g.writeStartArray();
      for (PolicyResult p : result.policies()) {
        policy(g, p);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    return out + "\n";
  }

  private static void policy(JsonGenerator g, PolicyResult p) {
    g.writeStartObject();
    g.writeStringProperty("policy", p.policy());
    g.writeStringProperty("description", p.description());
    g.writeNumberProperty("nodesBooted", p.nodesBooted());
    g.writeNumberProperty("events", p.events());
    PolicyResult.Allocation a = p.allocation();
    g.writeName("allocation");
    g.writeStartObject();
    g.writeNumberProperty("allocationRate", a.allocationRate());
    g.writeNumberProperty("peakAllocationRate", a.peakAllocationRate());
    g.writeNumberProperty("fragmentation", a.fragmentation());
    g.writeNumberProperty("expectedFragmentation", a.expectedFragmentation());
    g.writeName("sampleSeconds");
    g.writeStartArray();
    for (long v : a.sampleSeconds()) {
      g.writeNumber(v);
    }
    g.writeEndArray();
    g.writeName("allocated");
    doubles(g, a.allocated());
    g.writeName("stranded");
    doubles(g, a.stranded());
    g.writeName("pending");
    g.writeStartArray();
    for (int v : a.pending()) {
      g.writeNumber(v);
    }
    g.writeEndArray();
    g.writeEndObject();
    PolicyResult.Inflation f = p.inflation();
    g.writeName("inflation");
    g.writeStartObject();
    g.writeNumberProperty("arrivals", f.arrivals());
    g.writeName("arrived");
    doubles(g, f.arrived());
    g.writeName("allocated");
    doubles(g, f.allocated());
    g.writeName("stranded");
    doubles(g, f.stranded());
    g.writeName("expectedFragmentation");
    doubles(g, f.expectedFragmentation());
    g.writeName("failed");
    doubles(g, f.failed());
    g.writeEndObject();
    PolicyResult.Summary s = p.summary();
    g.writeName("summary");
    g.writeStartObject();
    g.writeNumberProperty("pods", s.pods());
    g.writeNumberProperty("placed", s.placed());
    g.writeNumberProperty("neverPlaced", s.neverPlaced());
    g.writeNumberProperty("waited", s.waited());
    g.writeNumberProperty("pendingHours", s.pendingHours());
    g.writeNumberProperty("receivedGpuHours", s.receivedGpuHours());
    g.writeNumberProperty("demandedGpuHours", s.demandedGpuHours());
    g.writeNumberProperty("entitledGpuHours", s.entitledGpuHours());
    g.writeNumberProperty("lsPods", s.lsPods());
    g.writeNumberProperty("lsSloViolations", s.lsSloViolations());
    g.writeNumberProperty("memoryRefusals", s.memoryRefusals());
    g.writeNumberProperty("podsWithRefusals", s.podsWithRefusals());
    g.writeNumberProperty("breachGpuHours", s.breachGpuHours());
    g.writeEndObject();
    g.writeName("pods");
    g.writeStartArray();
    for (PolicyResult.Pod pod : p.pods()) {
      g.writeStartObject();
      g.writeStringProperty("name", pod.name());
      g.writeStringProperty("qos", pod.qos());
      g.writeNumberProperty("gpus", pod.gpus());
      g.writeNumberProperty("gpuMilli", pod.gpuMilli());
      if (pod.node() == null) {
        g.writeNullProperty("node");
      } else {
        g.writeStringProperty("node", pod.node());
      }
      g.writeName("gpuIndices");
      g.writeStartArray();
      for (int i : pod.gpuIndices()) {
        g.writeNumber(i);
      }
      g.writeEndArray();
      g.writeNumberProperty("pendingSeconds", pod.pendingSeconds());
      g.writeNumberProperty("receivedGpuSeconds", round(pod.received()));
      g.writeNumberProperty("demandedGpuSeconds", round(pod.demanded()));
      g.writeNumberProperty("entitledGpuSeconds", round(pod.entitled()));
      g.writeNumberProperty("memoryRefusals", pod.refusals());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void doubles(JsonGenerator g, java.util.List<Double> values) {
    g.writeStartArray();
    for (double v : values) {
      g.writeNumber(round(v));
    }
    g.writeEndArray();
  }

  /** Six significant decimals are plenty and keep the file small. */
  private static double round(double v) {
    return Math.round(v * 1e6) / 1e6;
  }
}
