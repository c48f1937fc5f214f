/**
 * cgdev metrics: a Prometheus endpoint for a live cgroup tree. {@link io.cgdev.metrics.MetricsServer}
 * serves every cgroup's per-device memory, device-time and pressure figures, and per-device totals
 * under NVIDIA DCGM's names, in Prometheus' text exposition format (docs/METRICS.md lists every
 * metric and the file it comes from). It reads the tree through the file view ({@link
 * io.cgdev.api.CgroupFs}) only, as a user would, so a scrape takes no hierarchy lock.
 *
 * <p>The JDK's HTTP server ({@code jdk.httpserver}) serves; a plain scrape gets the text format
 * written by cgdev, OpenMetrics and protobuf come from the official Prometheus Java client's handler
 * and writers; its jars are automatic modules ({@code io.prometheus.metrics.core}, {@code
 * io.prometheus.metrics.exporter.httpserver}, {@code io.prometheus.writer.text}, ...).
 */
module io.cgdev.metrics {
  requires transitive io.cgdev.api;
  requires io.prometheus.metrics.core;
  requires io.prometheus.metrics.model;
  requires io.prometheus.metrics.exporter.httpserver;
  requires io.prometheus.writer.text;
  requires jdk.httpserver;

  exports io.cgdev.metrics;
}
