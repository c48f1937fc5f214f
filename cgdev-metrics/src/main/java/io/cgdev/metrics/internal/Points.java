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

/**
 * The data points of one scrape, by family, as the Prometheus client's snapshots (for the formats the
 * client writes: OpenMetrics and protobuf): one segment of a scrape ({@link TreeWalk}). Used by one
 * thread.
 */
final class Points implements Sink {
  private static final Metric[] METRICS = Metric.values();
  private final List<List<CounterDataPointSnapshot>> counters = new ArrayList<>(METRICS.length);
  private final List<List<GaugeDataPointSnapshot>> gauges = new ArrayList<>(METRICS.length);

  Points() {
    for (int i = 0; i < METRICS.length; i++) {
      counters.add(METRICS[i].counter ? new ArrayList<>() : null);
      gauges.add(METRICS[i].counter ? null : new ArrayList<>());
    }
  }

  @Override
  public void add(Metric metric, FolderCache folder, FolderCache.Extra extra, String value1, String value2,
      double value) {
    add(metric, folder.labels(extra, value1, value2), value);
  }

  @Override
  public void add(Metric metric, String[] names, String[] values, double value) {
    add(metric, Labels.of(names, values), value);
  }

  private void add(Metric metric, Labels labels, double value) {
    if (metric.counter) {
      counters.get(metric.ordinal()).add(new CounterDataPointSnapshot(value, labels, null, 0L));
    } else {
      gauges.get(metric.ordinal()).add(new GaugeDataPointSnapshot(value, labels, null));
    }
  }

  /** The points of several segments of one scrape, in this order. */
  static Points merge(List<Points> segments) {
    Points all = new Points();
    for (Points p : segments) {
      for (int i = 0; i < METRICS.length; i++) {
        if (METRICS[i].counter) {
          all.counters.get(i).addAll(p.counters.get(i));
        } else {
          all.gauges.get(i).addAll(p.gauges.get(i));
        }
      }
    }
    return all;
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
