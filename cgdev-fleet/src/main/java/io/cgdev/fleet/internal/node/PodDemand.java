package io.cgdev.fleet.internal.node;

/**
 * A pod's demand over its life, phase by phase: what the engine asks at every phase change. The
 * engine's thread only; one per pod.
 */
interface PodDemand {
  /** Draws the next phase (the first at arrival); returns its length in seconds (> 0). */
  double next();

  /** The current phase's device-time demand per GPU, in GPUs' worth (0..1). */
  double compute();

  /** The current phase's memory per GPU, as a multiple of the pod's memory share. */
  double memory();

  /** Where a pod's demand comes from. */
  interface Source {
    /** The demand of {@code run}'s pod, whose share of each GPU is {@code share} (0..1). */
    PodDemand of(PodRun run, double share);
  }
}
