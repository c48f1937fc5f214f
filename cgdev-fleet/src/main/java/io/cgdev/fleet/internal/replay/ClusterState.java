package io.cgdev.fleet.internal.replay;

import io.cgdev.fleet.placement.ClusterView;
import io.cgdev.fleet.placement.NodeView;
import io.cgdev.fleet.placement.Placement;
import io.cgdev.fleet.placement.WorkloadProfile;
import io.cgdev.fleet.trace.GpuModel;
import io.cgdev.fleet.trace.NodeSpec;
import io.cgdev.fleet.trace.PodSpec;
import java.util.List;

/**
 * What is allocated on every node during a placement replay: free CPU, memory and GPU thousandths.
 * The replay's thread only. Also keeps the cluster-wide sums the allocation metrics need, updated on
 * every change.
 */
final class ClusterState implements ClusterView {
  private final Node[] nodes;
  private final WorkloadProfile profile;
  private final long totalMilli;
  private long allocatedMilli;
  /** Unallocated thousandths on GPUs that are partly allocated (the fragmentation). */
  private long strandedMilli;

  ClusterState(List<NodeSpec> specs, WorkloadProfile profile) {
    this.nodes = new Node[specs.size()];
    long total = 0;
    for (NodeSpec s : specs) {
      nodes[s.index()] = new Node(s);
      total += 1000L * s.gpus();
    }
    this.totalMilli = total;
    this.profile = profile;
  }

  @Override
  public int nodeCount() {
    return nodes.length;
  }

  @Override
  public NodeView node(int i) {
    return nodes[i];
  }

  @Override
  public WorkloadProfile profile() {
    return profile;
  }

  long totalMilli() {
    return totalMilli;
  }

  long allocatedMilli() {
    return allocatedMilli;
  }

  long strandedMilli() {
    return strandedMilli;
  }

  void allocate(PodSpec pod, Placement p) {
    change(pod, p, 1);
  }

  void release(PodSpec pod, Placement p) {
    change(pod, p, -1);
  }

  private void change(PodSpec pod, Placement p, int sign) {
    Node n = nodes[p.node()];
    n.freeCpu -= sign * pod.cpuMilli();
    n.freeMem -= sign * pod.memoryMib();
    for (int i = 0; i < p.gpuCount(); i++) {
      int g = p.gpu(i);
      strandedMilli -= stranded(n.free[g]);
      n.free[g] -= sign * pod.gpuMilli();
      strandedMilli += stranded(n.free[g]);
      if (n.free[g] < 0 || n.free[g] > 1000) {
        throw new IllegalStateException(pod.name() + " on " + n.spec.name() + " GPU " + g + ": free share " + n.free[g]);
      }
    }
    if (n.freeCpu < 0 || n.freeMem < 0) {
      throw new IllegalStateException(pod.name() + " on " + n.spec.name() + ": CPU or memory over capacity");
    }
    allocatedMilli += sign * pod.totalGpuMilli();
    n.version++;
  }

  private static long stranded(int free) {
    return free > 0 && free < 1000 ? free : 0;
  }

  /** FGD's expected fragmentation of the whole cluster, in thousandths of a GPU. */
  double expectedFragmentation() {
    double sum = 0;
    for (Node n : nodes) {
      sum += io.cgdev.fleet.internal.policy.Fragmentation.expected(n, profile.classes());
    }
    return sum;
  }

  private static final class Node implements NodeView {
    final NodeSpec spec;
    final int[] free;
    long freeCpu;
    long freeMem;
    long version;

    Node(NodeSpec spec) {
      this.spec = spec;
      this.free = new int[spec.gpus()];
      java.util.Arrays.fill(free, 1000);
      this.freeCpu = spec.cpuMilli();
      this.freeMem = spec.memoryMib();
    }

    @Override
    public int index() {
      return spec.index();
    }

    @Override
    public String name() {
      return spec.name();
    }

    @Override
    public GpuModel model() {
      return spec.model();
    }

    @Override
    public int gpuCount() {
      return free.length;
    }

    @Override
    public int freeMilli(int g) {
      return free[g];
    }

    @Override
    public long freeCpuMilli() {
      return freeCpu;
    }

    @Override
    public long freeMemoryMib() {
      return freeMem;
    }

    @Override
    public long cpuMilli() {
      return spec.cpuMilli();
    }

    @Override
    public long version() {
      return version;
    }
  }
}
