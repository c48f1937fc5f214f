package io.cgdev.fleet.placement;

import java.util.Arrays;

/**
 * A placement: a node and the GPUs of it a pod gets (its {@code gpus} GPUs, none for a CPU-only pod;
 * a sharing pod takes its share of the one GPU named).
 *
 * @param node the node's number ({@link NodeView#index()})
 * @param gpus the GPU numbers on that node, distinct, ascending
 */
public record Placement(int node, int[] gpus) {
  public Placement {
    gpus = gpus.clone();
    Arrays.sort(gpus);
  }

  @Override
  public int[] gpus() {
    return gpus.clone();
  }

  /** The i-th GPU. */
  public int gpu(int i) {
    return gpus[i];
  }

  /** How many GPUs. */
  public int gpuCount() {
    return gpus.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Placement p && p.node == node && Arrays.equals(p.gpus, gpus);
  }

  @Override
  public int hashCode() {
    return 31 * node + Arrays.hashCode(gpus);
  }

  @Override
  public String toString() {
    return "node " + node + " GPUs " + Arrays.toString(gpus);
  }
}
