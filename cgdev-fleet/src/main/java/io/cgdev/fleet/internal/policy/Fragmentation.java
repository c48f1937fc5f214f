package io.cgdev.fleet.internal.policy;

import io.cgdev.fleet.placement.NodeView;
import io.cgdev.fleet.placement.WorkloadProfile.TaskClass;
import io.cgdev.fleet.trace.PodSpec;
import java.util.List;

/**
 * FGD's fragmentation measure (Weng et al., USENIX ATC '23), in thousandths of a GPU: for a node and a
 * task class, the node's unallocated GPU share the task could not use (all of it when the task cannot
 * run on the node at all, else the free share of each GPU with less free than the task needs per
 * GPU); a node's expected fragmentation weighs the classes by popularity. Used by {@link
 * FragmentationAware} and by the replay's metrics.
 */
public final class Fragmentation {
  private Fragmentation() {}

  /** A node's expected fragmentation now. */
  public static double expected(NodeView n, List<TaskClass> classes) {
    return expected(n, classes, -1, 0, 0, 0);
  }

  /** Expected fragmentation of {@code n} after taking {@code milli} of GPU {@code gpu} (-1: none) and CPU and memory. */
  static double expected(NodeView n, List<TaskClass> classes, int gpu, int milli, long cpu, long mem) {
    int gpus = n.gpuCount();
    if (gpus == 0) {
      return 0;
    }
    long freeCpu = n.freeCpuMilli() - cpu;
    long freeMem = n.freeMemoryMib() - mem;
    double sum = 0;
    for (TaskClass m : classes) {
      sum += m.popularity() * forClass(n, m, gpu, milli, freeCpu, freeMem, 0);
    }
    return sum;
  }

  /** Expected fragmentation of {@code n} after a whole-GPU pod takes its first free GPUs. */
  static double expectedWholeTaken(NodeView n, List<TaskClass> classes, PodSpec pod) {
    long freeCpu = n.freeCpuMilli() - pod.cpuMilli();
    long freeMem = n.freeMemoryMib() - pod.memoryMib();
    double sum = 0;
    for (TaskClass m : classes) {
      sum += m.popularity() * forClass(n, m, -1, 0, freeCpu, freeMem, pod.gpus());
    }
    return sum;
  }

  /**
   * The GPU share of {@code n} a task of {@code m} could not use, with {@code milli} taken from GPU
   * {@code gpu} and {@code wholeTaken} of the whole free GPUs taken.
   */
  private static double forClass(NodeView n, TaskClass m, int gpu, int milli, long freeCpu, long freeMem, int wholeTaken) {
    int need = m.gpus() == 1 ? m.gpuMilli() : 1000;
    long total = 0;
    long unusable = 0;
    int usable = 0;
    int wholeLeft = wholeTaken;
    for (int g = 0; g < n.gpuCount(); g++) {
      int free = n.freeMilli(g) - (g == gpu ? milli : 0);
      if (wholeLeft > 0 && free == 1000) {
        wholeLeft--;
        free = 0;
      }
      total += free;
      if (free >= need) {
        usable++;
      } else {
        unusable += free;
      }
    }
    boolean runs = freeCpu >= m.cpuMilli() && freeMem >= m.memoryMib() && usable >= m.gpus();
    return runs ? unusable : total;
  }
}
