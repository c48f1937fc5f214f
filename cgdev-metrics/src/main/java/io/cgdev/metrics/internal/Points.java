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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The data points of one scrape, by family; turned into the Prometheus client's snapshots at the end. */
final class Points {
  private final Map<Metric, List<Object>> byMetric = new EnumMap<>(Metric.class);

  void add(Metric metric, Labels labels, double value) {
    Object point = metric.counter
        ? new CounterDataPointSnapshot(value, labels, null, 0L)
        : new GaugeDataPointSnapshot(value, labels, null);
    byMetric.computeIfAbsent(metric, m -> new ArrayList<>()).add(point);
  }

  /** The snapshots of every family with at least one point. */
  MetricSnapshots snapshots() {
    List<MetricSnapshot> out = new ArrayList<>(byMetric.size());
    for (Map.Entry<Metric, List<Object>> e : byMetric.entrySet()) {
      Metric m = e.getKey();
      MetricMetadata meta = new MetricMetadata(m.family, m.help, m.unit);
      out.add(m.counter ? new CounterSnapshot(meta, cast(e.getValue(), CounterDataPointSnapshot.class))
          : new GaugeSnapshot(meta, cast(e.getValue(), GaugeDataPointSnapshot.class)));
    }
    return new MetricSnapshots(out);
  }

  private static <T> List<T> cast(List<Object> points, Class<T> type) {
    List<T> out = new ArrayList<>(points.size());
    for (Object p : points) {
      out.add(type.cast(p));
    }
    return out;
  }
}
