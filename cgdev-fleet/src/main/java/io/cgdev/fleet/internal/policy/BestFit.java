package io.cgdev.fleet.internal.policy;

import io.cgdev.fleet.placement.ClusterView;
import io.cgdev.fleet.placement.NodeView;
import io.cgdev.fleet.placement.Placement;
import io.cgdev.fleet.placement.PlacementPolicy;
import io.cgdev.fleet.trace.PodSpec;
import java.util.Optional;

/**
 * The node left with the least free resources after the placement, as the FGD paper's best-fit
 * baseline: the score is the node's unallocated GPU share plus its unallocated CPU, each as a fraction
 * of the node's capacity (a node without GPUs counts CPU only); within the node, a sharing pod goes to
 * the GPU with the least free share that still takes it, a whole-GPU pod to the first free GPUs. Ties
 * go to the lower node number.
 */
public final class BestFit implements PlacementPolicy {
  @Override
  public String name() {
    return "best-fit";
  }

  @Override
  public String description() {
    return "the node with the least free GPU share and CPU left after placing, the fullest GPU that fits";
  }

  @Override
  public Optional<Placement> place(PodSpec pod, ClusterView cluster) {
    int best = -1;
    double bestScore = Double.POSITIVE_INFINITY;
    for (int i = 0; i < cluster.nodeCount(); i++) {
      NodeView n = cluster.node(i);
      if (!n.fits(pod)) {
        continue;
      }
      double score = (n.freeCpuMilli() - pod.cpuMilli()) / (double) Math.max(1, n.cpuMilli());
      if (n.gpuCount() > 0) {
        score += (n.freeMilliTotal() - pod.totalGpuMilli()) / (1000.0 * n.gpuCount());
      }
      if (score < bestScore) {
        bestScore = score;
        best = i;
      }
    }
    if (best < 0) {
      return Optional.empty();
    }
    NodeView n = cluster.node(best);
    if (!pod.sharesGpu()) {
      return Optional.of(new Placement(best, n.firstGpus(pod)));
    }
    int gpu = -1;
    for (int g = 0; g < n.gpuCount(); g++) {
      int free = n.freeMilli(g);
      if (free >= pod.gpuMilli() && (gpu < 0 || free < n.freeMilli(gpu))) {
        gpu = g;
      }
    }
    return Optional.of(new Placement(best, new int[] {gpu}));
  }
}
