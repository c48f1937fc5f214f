package io.cgdev.metrics.internal;

/**
 * Where one scrape's samples go: the Prometheus client's snapshots ({@link Points}, for OpenMetrics and
 * protobuf) or the text format written straight into bytes ({@link TextExposition.Segment}): one
 * segment of a scrape, called by the one thread that writes that segment.
 */
interface Sink {
  /**
   * A sample of a per-device folder's series: the folder's labels (the tree's, {@code cgroup}, {@code
   * device}) and, unless {@code extra} is null, one or two more.
   *
   * @param extra which labels the series adds, or null for none
   * @param value1 the value of {@code extra}'s first label (null without {@code extra})
   * @param value2 the value of its second label ({@link FolderCache.Extra#EVENT_REGION} only), else null
   */
  void add(Metric metric, FolderCache folder, FolderCache.Extra extra, String value1, String value2, double value);

  /** A sample with exactly these labels (a tree's own, DCGM's {@code gpu} and {@code device}). */
  void add(Metric metric, String[] names, String[] values, double value);
}
