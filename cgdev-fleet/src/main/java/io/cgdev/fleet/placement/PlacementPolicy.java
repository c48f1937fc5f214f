package io.cgdev.fleet.placement;

import io.cgdev.fleet.trace.PodSpec;
import java.util.Optional;

/**
 * Where a pod goes: the node and the GPUs of that node. Policies are plugins found with {@link
 * java.util.ServiceLoader} (a module {@code provides io.cgdev.fleet.placement.PlacementPolicy}); the
 * built-in ones are {@code first-fit}, {@code best-fit} and {@code frag} (fragmentation-aware, in the
 * spirit of FGD). docs/FLEET.md says how to add one.
 *
 * <p><b>Who calls it, when.</b> The replay makes one instance per run from its provider (so a policy may
 * keep state between calls, e.g. caches keyed by {@link NodeView#version()}) and calls it from one
 * thread only: {@link #place} for every pod that arrives and again, after resources are freed, for
 * pods that wait. Calls happen in simulated-time order; the view reflects every earlier placement and
 * departure.
 *
 * <p><b>Contract.</b> {@link #place} must not change the cluster (the views are read-only) and must
 * be deterministic: the same view and pod give the same answer, whatever the thread or the run, so
 * that replays are reproducible (no wall clock, no unseeded randomness, no iteration over hash
 * orders). It returns a placement that {@link NodeView#fits(PodSpec, int[])} accepts, or empty when
 * the pod fits nowhere (it then waits, pending). A placement that does not fit is a bug of the policy:
 * the replay stops with an {@link IllegalStateException} naming it. It may throw nothing else.
 */
public interface PlacementPolicy {
  /** The policy's name on the command line ({@code --policies}), lower case with dashes; constant. */
  String name();

  /** One line for the report: what the policy optimises. */
  String description();

  /**
   * Chooses a node and GPUs for {@code pod}.
   *
   * @param pod the pod to place; never null
   * @param cluster the cluster now; never null, read-only, valid only during this call
   * @return the placement, or empty if the pod fits nowhere
   */
  Optional<Placement> place(PodSpec pod, ClusterView cluster);
}
