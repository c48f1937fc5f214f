package io.cgdev.fleet.internal.replay;

import io.cgdev.fleet.placement.Placement;
import io.cgdev.fleet.placement.PlacementPolicy;
import io.cgdev.fleet.placement.WorkloadProfile;
import io.cgdev.fleet.trace.PodSpec;
import io.cgdev.fleet.trace.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The FGD paper's experiment, allocation only: "workload inflation". Pods are drawn at random (with
 * replacement, seeded) from the trace's pod list and arrive one after another on the empty cluster;
 * none leaves; a pod the policy cannot place fails and is dropped. Arrival stops when the GPU share
 * the arrived pods asked for reaches the cluster's GPU capacity. At every {@code 1/steps} of that
 * capacity the allocation is recorded: the paper's curves of allocated and unallocated GPUs and of
 * fragmentation against arrived workload. One thread.
 *
 * @param seed the seed of the draws
 * @param steps how many points the curves get
 */
public record InflationReplay(Trace trace, PlacementPolicy policy, long seed, int steps) {

  /**
   * The curves, one point per step of arrived workload.
   *
   * @param arrived arrived GPU requests / capacity at each point
   * @param allocated allocated GPU share / capacity
   * @param stranded unallocated share on partly allocated GPUs / capacity
   * @param expectedFragmentation FGD's expected fragmentation / capacity
   * @param failed GPU share of the pods that could not be placed / capacity
   * @param arrivals pods drawn
   */
  public record Result(List<Double> arrived, List<Double> allocated, List<Double> stranded,
      List<Double> expectedFragmentation, List<Double> failed, int arrivals) {}

  /** Runs it. @throws IllegalStateException if the policy places a pod where it does not fit */
  public Result run() {
    List<PodSpec> pods = trace.pods();
    ClusterState cluster = new ClusterState(trace.nodes(), WorkloadProfile.of(pods));
    double capacity = Math.max(1, cluster.totalMilli());
    SplittableRandom random = new SplittableRandom(seed);
    List<Double> arrived = new ArrayList<>();
    List<Double> allocated = new ArrayList<>();
    List<Double> stranded = new ArrayList<>();
    List<Double> expected = new ArrayList<>();
    List<Double> failed = new ArrayList<>();
    long arrivedMilli = 0;
    long failedMilli = 0;
    int n = 0;
    int step = 1;
    while (step <= steps && !pods.isEmpty()) {
      PodSpec p = pods.get(random.nextInt(pods.size()));
      PodSpec pod = new PodSpec(n, p.name() + "#" + n, p.cpuMilli(), p.memoryMib(), p.gpus(), p.gpuMilli(), p.gpuTypes(),
          p.qos(), 0, 0);
      n++;
      arrivedMilli += pod.totalGpuMilli();
      Optional<Placement> placed = policy.place(pod, cluster);
      if (placed.isPresent()) {
        Placement pl = placed.get();
        if (pl.node() < 0 || pl.node() >= cluster.nodeCount() || !cluster.node(pl.node()).fits(pod, pl.gpus())) {
          throw new IllegalStateException("policy " + policy.name() + " placed " + pod.name() + " on " + pl
              + " where it does not fit");
        }
        cluster.allocate(pod, pl);
      } else {
        failedMilli += pod.totalGpuMilli();
      }
      while (step <= steps && arrivedMilli >= capacity * step / steps) {
        arrived.add(arrivedMilli / capacity);
        allocated.add(cluster.allocatedMilli() / capacity);
        stranded.add(cluster.strandedMilli() / capacity);
        expected.add(cluster.expectedFragmentation() / capacity);
        failed.add(failedMilli / capacity);
        step++;
      }
    }
    return new Result(arrived, allocated, stranded, expected, failed, n);
  }
}
