package io.cgdev.sim.report;

import io.cgdev.sim.report.Report.TenantReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measured against reference device time, in words for the report's readers: the summary line with the
 * run's largest error, and for every tenant that misses its reference by more than {@link #TOLERANCE}
 * the likely reason, from what held it back ({@link TenantReport#limitedBy}). The reasons are those
 * docs/SCENARIOS.md ("When measured and reference differ") explains. Stateless.
 */
final class Comparison {
  /** Measured and reference agree when they differ by at most this (a fraction of the device time used: one point). */
  static final double TOLERANCE = 0.01;

  private Comparison() {}

  /** The summary line, e.g. {@code device time: every tenant within 1 point of its reference (largest: /a, +0.3 points)}. */
  static String summary(Report r) {
    var largest = r.largestError();
    if (largest.isEmpty()) {
      return "device time: no reference (the cpu controller does not govern the device)";
    }
    List<TenantReport> off = outside(r);
    String worst = largest.get().path() + ", " + points(largest.get().error()) + " points";
    if (off.isEmpty()) {
      return "device time: every tenant within 1 point of its reference share (largest difference: " + worst + ")";
    }
    return String.format(Locale.ROOT, "device time: %d of %d tenants differ from their reference share by more than"
        + " 1 point (largest difference: %s); why: below", off.size(), leaves(r), worst);
  }

  /** One line per tenant outside the tolerance: measured, reference and the likely reason. */
  static List<String> reasons(Report r) {
    List<String> out = new ArrayList<>();
    for (TenantReport t : outside(r)) {
      out.add(String.format(Locale.ROOT, "%s: measured %s, reference %s (%s points): %s", t.path(), percent(t.share()),
          percent(t.referenceShare()), points(t.error()), reason(t.limitedBy())));
    }
    return out;
  }

  static String reason(String limitedBy) {
    if (limitedBy.contains("cpu.max")) {
      return "a cpu.max cap throttles it in bursts; a client asking for less than its share queues about two ticks"
          + " of work while throttled and catches up afterwards, and a run that ends inside a period sees part of one";
    }
    if (limitedBy.contains("demand")) {
      return "it asks for less than its share; where such a client runs among engines that others may use only in"
          + " part is the scheduler's choice (the reference spreads it by its shares of them)";
    }
    return "its share converges over time; in a short run or interval the start-up (a new client's 1 ms of lag"
        + " credit, slices of up to 1 ms) weighs more";
  }

  private static List<TenantReport> outside(Report r) {
    return r.tenants().stream().filter(t -> t.leaf() && Math.abs(t.error()) > TOLERANCE).toList();
  }

  private static long leaves(Report r) {
    return r.tenants().stream().filter(TenantReport::leaf).count();
  }

  /** A difference of shares in percentage points, signed, one decimal: {@code +0.4}, {@code -1.2}, {@code 0.0}. */
  static String points(double difference) {
    if (Double.isNaN(difference)) {
      return "-";
    }
    double p = difference * 100;
    return Math.abs(p) < 0.05 ? "0.0" : String.format(Locale.ROOT, "%+.1f", p);
  }

  /** A share in percent, one decimal: {@code 32.8%}; {@code -} for none. */
  static String percent(double share) {
    return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.1f%%", share * 100);
  }
}
