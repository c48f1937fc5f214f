package io.cgdev.fleet.internal.policy;

import io.cgdev.fleet.placement.ClusterView;
import io.cgdev.fleet.placement.NodeView;
import io.cgdev.fleet.placement.Placement;
import io.cgdev.fleet.placement.PlacementPolicy;
import io.cgdev.fleet.trace.PodSpec;
import java.util.Optional;

/** The first node in the trace's order where the pod fits, on its lowest-numbered GPUs that fit. */
public final class FirstFit implements PlacementPolicy {
  @Override
  public String name() {
    return "first-fit";
  }

  @Override
  public String description() {
    return "the first node (in the trace's order) with room, its first GPUs with room";
  }

  @Override
  public Optional<Placement> place(PodSpec pod, ClusterView cluster) {
    for (int i = 0; i < cluster.nodeCount(); i++) {
      NodeView n = cluster.node(i);
      if (n.fits(pod)) {
        return Optional.of(new Placement(i, n.firstGpus(pod)));
      }
    }
    return Optional.empty();
  }
}
