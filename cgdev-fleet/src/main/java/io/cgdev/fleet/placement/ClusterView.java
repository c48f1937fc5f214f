package io.cgdev.fleet.placement;

/**
 * The cluster as a {@link PlacementPolicy} sees it: every node with what is still free, and the
 * workload the trace brings (for policies that weigh placements by the tasks to come). Read-only;
 * valid during one {@link PlacementPolicy#place} call.
 */
public interface ClusterView {
  /** The number of nodes. */
  int nodeCount();

  /** Node {@code i}, {@code 0 <= i < nodeCount()}, in the trace's order. */
  NodeView node(int i);

  /** The mix of GPU tasks of the replayed trace. */
  WorkloadProfile profile();
}
