package io.cgdev.sim.report;

import io.cgdev.api.ByteSize;
import io.cgdev.sim.report.Report.TenantReport;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a {@link Report} as pretty-printed JSON (docs/SCENARIOS.md, "Report") straight to a
 * writer, field by field: a report of 100,000 tenants is not built as a tree in memory first. The
 * caller's writer is flushed, never closed. Stateless.
 */
final class ReportJson {
  private static final ObjectWriter PRETTY = JsonMapper.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build()
      .writerWithDefaultPrettyPrinter();

  private ReportJson() {}

  static void write(Report r, Writer out) {
    try (JsonGenerator g = PRETTY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringProperty("scenario", r.scenario());
      g.writeStringProperty("description", r.description());
      g.writeStringProperty("device", r.device());
      g.writeStringProperty("region", r.region());
      g.writeNumberProperty("durationNanos", r.durationNanos());
      g.writeNumberProperty("wallNanos", r.wallNanos());
      g.writeNumberProperty("events", r.events());
      g.writeNumberProperty("eventsPerSecond", Math.round(r.eventsPerSecond()));
      r.largestError().ifPresent(t -> {
        g.writeObjectPropertyStart("largestError");
        g.writeStringProperty("path", t.path());
        g.writeNumberProperty("error", round(t.error()));
        g.writeEndObject();
      });
      g.writeArrayPropertyStart("tenants");
      for (TenantReport t : r.tenants()) {
        tenant(g, t);
      }
      g.writeEndArray();
      g.writeObjectPropertyStart("series");
      g.writeArrayPropertyStart("timesNanos");
      for (long t : r.series().timesNanos()) {
        g.writeNumber(t);
      }
      g.writeEndArray();
      fractions(g, "share", r.series().share());
      fractions(g, "referenceShare", r.series().referenceShare());
      g.writeObjectPropertyStart("memory");
      for (Map.Entry<String, List<Long>> e : r.series().memory().entrySet()) {
        g.writeArrayPropertyStart(e.getKey());
        for (long v : e.getValue()) {
          g.writeNumber(v);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
      fractions(g, "cpuPressureSome", r.series().cpuSome());
      fractions(g, "memoryPressureSome", r.series().memorySome());
      g.writeEndObject();
      g.writeArrayPropertyStart("notes");
      for (String n : r.notes()) {
        g.writeString(n);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  private static void tenant(JsonGenerator g, TenantReport t) {
    g.writeStartObject();
    g.writeStringProperty("path", t.path());
    g.writeBooleanProperty("leaf", t.leaf());
    g.writeObjectPropertyStart("memory");
    g.writeNumberProperty("current", t.memoryCurrent());
    g.writeNumberProperty("peak", t.memoryPeak());
    if (t.memoryMax() == ByteSize.MAX) {
      g.writeStringProperty("max", "max");
    } else {
      g.writeNumberProperty("max", t.memoryMax());
    }
    g.writeObjectPropertyStart("events");
    for (Map.Entry<String, Long> e : t.memoryEvents().entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
      g.writeNumberProperty(e.getKey(), e.getValue());
    }
    g.writeEndObject();
    g.writeObjectPropertyStart("swap");
    g.writeNumberProperty("current", t.swapCurrent());
    if (t.swapMax() == ByteSize.MAX) {
      g.writeStringProperty("max", "max");
    } else {
      g.writeNumberProperty("max", t.swapMax());
    }
    g.writeEndObject();
    g.writeEndObject();
    g.writeNumberProperty("evictions", t.evictions());
    g.writeNumberProperty("allocations", t.allocations());
    g.writeNumberProperty("failedAllocations", t.failedAllocations());
    g.writeObjectPropertyStart("deviceTime");
    g.writeNumberProperty("usageUsec", t.usageUsec());
    g.writeNumberProperty("share", round(t.share()));
    if (!Double.isNaN(t.referenceShare())) {
      g.writeNumberProperty("referenceShare", round(t.referenceShare()));
      g.writeNumberProperty("error", round(t.error()));
    }
    if (!t.limitedBy().isEmpty()) {
      g.writeStringProperty("limitedBy", t.limitedBy());
    }
    g.writeEndObject();
    Report.Pressure p = t.pressure();
    if (!Double.isNaN(p.cpuSome()) || !Double.isNaN(p.memorySome())) {
      g.writeObjectPropertyStart("pressure");
      stall(g, "cpu", p.cpuSome(), p.cpuFull());
      stall(g, "memory", p.memorySome(), p.memoryFull());
      g.writeEndObject();
    }
    if (!t.extra().isEmpty()) {
      g.writeObjectPropertyStart("extra");
      for (Map.Entry<String, String> e : t.extra().entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
        g.writeStringProperty(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  /** A series of fractions per cgroup, each with four decimals. */
  private static void fractions(JsonGenerator g, String name, Map<String, List<Double>> series) {
    g.writeObjectPropertyStart(name);
    for (Map.Entry<String, List<Double>> e : series.entrySet()) {
      g.writeArrayPropertyStart(e.getKey());
      for (double v : e.getValue()) {
        g.writeNumber(round(v));
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  /** One pressure file's stall fractions over the run; nothing where the file does not exist (NaN). */
  private static void stall(JsonGenerator g, String controller, double some, double full) {
    if (Double.isNaN(some)) {
      return;
    }
    g.writeObjectPropertyStart(controller);
    g.writeNumberProperty("some", round(some));
    g.writeNumberProperty("full", round(full));
    g.writeEndObject();
  }

  /** Shares and fractions with four decimals. */
  static double round(double v) {
    return Math.round(v * 10000) / 10000.0;
  }
}
