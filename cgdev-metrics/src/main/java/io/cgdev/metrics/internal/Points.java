package io.cgdev.metrics.internal;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;

/** The data points of one scrape, by family; turned into the Prometheus client's snapshots at the end. */
final class Points {
  private static final Metric[] METRICS = Metric.values();
  private final List<List<CounterDataPointSnapshot>> counters = new ArrayList<>(METRICS.length);
  private final List<List<GaugeDataPointSnapshot>> gauges = new ArrayList<>(METRICS.length);

  Points() {
    for (int i = 0; i < METRICS.length; i++) {
      counters.add(METRICS[i].counter ? new ArrayList<>() : null);
      gauges.add(METRICS[i].counter ? null : new ArrayList<>());
    }
  }

  void add(Metric metric, Labels labels, double value) {
    if (metric.counter) {
      counters.get(metric.ordinal()).add(new CounterDataPointSnapshot(value, labels, null, 0L));
    } else {
      gauges.get(metric.ordinal()).add(new GaugeDataPointSnapshot(value, labels, null));
    }
  }

  /**
   * Adds the points of one file in the order of their labels' extra value ({@code keys}), so that a
   * family's points arrive nearly sorted: the client sorts every family by labels, and a sorted list
   * costs it one comparison per point.
   */
  void addSorted(Metric metric, String[] keys, Labels[] labels, double[] values, int n) {
    for (int i = 1; i < n; i++) {
      String k = keys[i];
      Labels l = labels[i];
      double v = values[i];
      int j = i - 1;
      while (j >= 0 && keys[j].compareTo(k) > 0) {
        keys[j + 1] = keys[j];
        labels[j + 1] = labels[j];
        values[j + 1] = values[j];
        j--;
      }
      keys[j + 1] = k;
      labels[j + 1] = l;
      values[j + 1] = v;
    }
    for (int i = 0; i < n; i++) {
      add(metric, labels[i], values[i]);
    }
  }

  /** The snapshots of every family with at least one point. */
  MetricSnapshots snapshots() {
    List<MetricSnapshot> out = new ArrayList<>(METRICS.length);
    for (Metric m : METRICS) {
      MetricMetadata meta = new MetricMetadata(m.family, m.help, m.unit);
      if (m.counter && !counters.get(m.ordinal()).isEmpty()) {
        out.add(new CounterSnapshot(meta, counters.get(m.ordinal())));
      } else if (!m.counter && !gauges.get(m.ordinal()).isEmpty()) {
        out.add(new GaugeSnapshot(meta, gauges.get(m.ordinal())));
      }
    }
    return new MetricSnapshots(out);
  }
}
