package io.cgdev.fleet.trace;

import java.util.List;

/**
 * A cluster trace: its nodes and pods (pods in the order of the pod list; the replay orders them by
 * creation time, ties by position).
 *
 * @param source where it was read from, for reports
 * @param nodes every node, CPU-only ones included
 * @param pods every pod
 */
public record Trace(String source, List<NodeSpec> nodes, List<PodSpec> pods) {
  public Trace {
    nodes = List.copyOf(nodes);
    pods = List.copyOf(pods);
  }

  /** The number of GPUs of all nodes. */
  public int gpuCount() {
    return nodes.stream().mapToInt(NodeSpec::gpus).sum();
  }

  /** The latest deletion time of any pod, in seconds: the replay's horizon. */
  public long horizon() {
    return pods.stream().mapToLong(PodSpec::deletion).max().orElse(0);
  }
}
