package io.cgdev.fleet.placement;

import io.cgdev.fleet.trace.GpuModel;
import io.cgdev.fleet.trace.PodSpec;

/**
 * One node as a {@link PlacementPolicy} sees it: its capacity and what is unallocated now. A GPU's
 * share is counted in thousandths (1000 = the whole GPU), as the trace's {@code gpu_milli}. Read-only.
 */
public interface NodeView {
  /** The node's number. */
  int index();

  /** The trace's name of the node. */
  String name();

  /** The GPU type; null for a node without GPUs. */
  GpuModel model();

  /** The number of GPUs. */
  int gpuCount();

  /** Unallocated thousandths of GPU {@code g}, 0..1000. */
  int freeMilli(int g);

  /** Unallocated CPU in thousandths of a core. */
  long freeCpuMilli();

  /** Unallocated host memory. */
  long freeMemoryMib();

  /** The node's CPU. */
  long cpuMilli();

  /** Changes whenever anything on the node is allocated or released: a cache key for policies. */
  long version();

  /** The number of GPUs with nothing allocated. */
  default int wholeFreeGpus() {
    int n = 0;
    for (int g = 0; g < gpuCount(); g++) {
      if (freeMilli(g) == 1000) {
        n++;
      }
    }
    return n;
  }

  /** Unallocated thousandths of all GPUs. */
  default long freeMilliTotal() {
    long n = 0;
    for (int g = 0; g < gpuCount(); g++) {
      n += freeMilli(g);
    }
    return n;
  }

  /**
   * Whether {@code pod} fits here at all: its GPU type is allowed, CPU and memory are free, and some
   * choice of GPUs has room (one GPU with its share free for a sharing pod, that many whole free GPUs
   * otherwise).
   */
  default boolean fits(PodSpec pod) {
    if (pod.cpuMilli() > freeCpuMilli() || pod.memoryMib() > freeMemoryMib()) {
      return false;
    }
    if (pod.gpus() == 0) {
      return true;
    }
    if (!pod.allows(model()) || pod.gpus() > gpuCount()) {
      return false;
    }
    if (pod.sharesGpu()) {
      for (int g = 0; g < gpuCount(); g++) {
        if (freeMilli(g) >= pod.gpuMilli()) {
          return true;
        }
      }
      return false;
    }
    return wholeFreeGpus() >= pod.gpus();
  }

  /** Whether {@code pod} fits here on exactly {@code gpus} (distinct GPU numbers of this node). */
  default boolean fits(PodSpec pod, int[] gpus) {
    if (!fits(pod) || gpus.length != pod.gpus()) {
      return false;
    }
    for (int i = 0; i < gpus.length; i++) {
      int g = gpus[i];
      if (g < 0 || g >= gpuCount() || freeMilli(g) < pod.gpuMilli()) {
        return false;
      }
      for (int j = 0; j < i; j++) {
        if (gpus[j] == g) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The lowest-numbered choice of GPUs for {@code pod}, assuming {@link #fits(PodSpec)}: for a sharing
   * pod the first GPU with room, else the first whole free GPUs.
   */
  default int[] firstGpus(PodSpec pod) {
    int[] out = new int[pod.gpus()];
    int k = 0;
    for (int g = 0; g < gpuCount() && k < out.length; g++) {
      if (freeMilli(g) >= pod.gpuMilli()) {
        out[k++] = g;
      }
    }
    return out;
  }
}
