package io.cgdev.fleet.internal.node;

import io.cgdev.fleet.trace.PodSpec;

/**
 * A pod that runs on a node: from its placement until its deletion, on the GPUs it was given.
 *
 * @param pod the pod
 * @param gpus its GPUs on the node (none for a CPU-only pod)
 * @param start when it was placed, seconds
 * @param end when it is deleted, seconds (at least {@code start})
 */
public record PodRun(PodSpec pod, int[] gpus, long start, long end) {
  public PodRun {
    gpus = gpus.clone();
  }

  @Override
  public int[] gpus() {
    return gpus.clone();
  }

  int gpuCount() {
    return gpus.length;
  }

  int gpu(int i) {
    return gpus[i];
  }
}
