package io.cgdev.fleet.internal.policy;

import io.cgdev.fleet.placement.ClusterView;
import io.cgdev.fleet.placement.NodeView;
import io.cgdev.fleet.placement.Placement;
import io.cgdev.fleet.placement.PlacementPolicy;
import io.cgdev.fleet.placement.WorkloadProfile;
import io.cgdev.fleet.placement.WorkloadProfile.TaskClass;
import io.cgdev.fleet.trace.PodSpec;
import java.util.List;
import java.util.Optional;

/**
 * Fragmentation gradient descent, after Weng et al. (USENIX ATC '23): a placement is chosen where it
 * increases the node's expected fragmentation the least.
 *
 * <p>The fragmentation of a node for a task class m is the unallocated GPU share on it that a task
 * of m could not use: all of it if the task cannot run there at all (too little CPU or memory, or no
 * choice of GPUs with room), else the free share of every GPU with less free than the task asks per
 * GPU (its share for a sharing task, a whole GPU otherwise). The node's expected fragmentation weighs
 * that by the classes' popularity ({@link WorkloadProfile}); the policy tries every node where the
 * pod fits and, on it, every distinct choice of GPU (for a sharing pod each GPU with room; for a
 * whole-GPU pod the free GPUs are interchangeable) and takes the smallest increase. Ties go to the
 * lower node, then the lower GPU. The GPU-type constraints of the profile's tasks are not weighed
 * (the paper's profile has none either).
 *
 * <p>Each node's fragmentation before the placement is cached by the node's {@link NodeView#version()}.
 */
public final class FragmentationAware implements PlacementPolicy {
  private long[] cachedVersion = new long[0];
  private double[] cachedFrag = new double[0];
  private int[] scratch = new int[8];

  @Override
  public String name() {
    return "frag";
  }

  @Override
  public String description() {
    return "fragmentation gradient descent (FGD, Weng et al. ATC '23): the least growth of expected GPU fragmentation";
  }

  @Override
  public Optional<Placement> place(PodSpec pod, ClusterView cluster) {
    List<TaskClass> classes = cluster.profile().classes();
    if (cachedVersion.length != cluster.nodeCount()) {
      cachedVersion = new long[cluster.nodeCount()];
      java.util.Arrays.fill(cachedVersion, -1);
      cachedFrag = new double[cluster.nodeCount()];
    }
    int bestNode = -1;
    int bestGpu = -1;
    double bestDelta = Double.POSITIVE_INFINITY;
    for (int i = 0; i < cluster.nodeCount(); i++) {
      NodeView n = cluster.node(i);
      if (!n.fits(pod)) {
        continue;
      }
      if (cachedVersion[i] != n.version()) {
        cachedVersion[i] = n.version();
        cachedFrag[i] = Fragmentation.expected(n, classes, -1, 0, 0, 0);
      }
      double before = cachedFrag[i];
      if (pod.gpus() == 0) {
        double d = Fragmentation.expected(n, classes, -1, 0, pod.cpuMilli(), pod.memoryMib()) - before;
        if (d < bestDelta) {
          bestDelta = d;
          bestNode = i;
        }
        continue;
      }
      if (!pod.sharesGpu()) {
        // the free GPUs are alike: taking `gpus` of them is one choice
        double d = Fragmentation.expectedWholeTaken(n, classes, pod) - before;
        if (d < bestDelta) {
          bestDelta = d;
          bestNode = i;
          bestGpu = -1;
        }
        continue;
      }
      int seen = 0;
      for (int g = 0; g < n.gpuCount(); g++) {
        int free = n.freeMilli(g);
        if (free < pod.gpuMilli() || contains(scratch, seen, free)) {
          continue;
        }
        if (seen == scratch.length) {
          scratch = java.util.Arrays.copyOf(scratch, seen * 2);
        }
        scratch[seen++] = free;
        double d = Fragmentation.expected(n, classes, g, pod.gpuMilli(), pod.cpuMilli(), pod.memoryMib()) - before;
        if (d < bestDelta) {
          bestDelta = d;
          bestNode = i;
          bestGpu = g;
        }
      }
    }
    if (bestNode < 0) {
      return Optional.empty();
    }
    NodeView n = cluster.node(bestNode);
    return Optional.of(new Placement(bestNode, bestGpu >= 0 ? new int[] {bestGpu} : n.firstGpus(pod)));
  }

  private static boolean contains(int[] a, int len, int v) {
    for (int i = 0; i < len; i++) {
      if (a[i] == v) {
        return true;
      }
    }
    return false;
  }
}
