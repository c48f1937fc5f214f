package io.cgdev.fleet;

import java.util.List;

/**
 * The replay of the trace under one placement policy.
 *
 * @param policy the policy's name
 * @param description what it optimises
 * @param allocation allocation figures (placement only)
 * @param inflation the FGD paper's experiment (placement only): pods drawn from the trace arrive until their
 *     requests reach the cluster's capacity, none leaves
 * @param summary what the pods received
 * @param pods every pod, in the trace's order
 * @param nodesBooted the nodes that had a pod, each booted as its own hierarchy
 * @param events events the node simulations processed
 */
public record PolicyResult(String policy, String description, Allocation allocation, Inflation inflation, Summary summary,
    List<Pod> pods, int nodesBooted, long events) {
  public PolicyResult {
    pods = List.copyOf(pods);
  }

  /**
   * Allocation figures, as a placement-only simulator measures them.
   *
   * @param allocationRate time-averaged allocated GPU share of the cluster's GPUs
   * @param peakAllocationRate the highest allocated share at any moment
   * @param fragmentation time-averaged unallocated share on partly allocated GPUs, of all GPUs
   * @param expectedFragmentation FGD's expected fragmentation of all GPUs, averaged over the samples
   * @param sampleSeconds sample times (seconds since the trace's start)
   * @param allocated the allocation rate at each sample
   * @param stranded the fragmentation at each sample
   * @param pending pods pending at each sample
   */
  public record Allocation(double allocationRate, double peakAllocationRate, double fragmentation,
      double expectedFragmentation, List<Long> sampleSeconds, List<Double> allocated, List<Double> stranded,
      List<Integer> pending) {}

  /**
   * The FGD paper's "workload inflation" experiment, placement only: one point per 5% of arrived
   * workload (GPU requests of the pods drawn so far / the cluster's GPU capacity).
   *
   * @param arrived arrived workload at each point
   * @param allocated allocated GPU share / capacity
   * @param stranded unallocated share on partly allocated GPUs / capacity
   * @param expectedFragmentation FGD's expected fragmentation / capacity
   * @param failed GPU share of pods no node could take / capacity
   * @param arrivals pods drawn
   */
  public record Inflation(List<Double> arrived, List<Double> allocated, List<Double> stranded,
      List<Double> expectedFragmentation, List<Double> failed, int arrivals) {
    public Inflation {
      arrived = List.copyOf(arrived);
      allocated = List.copyOf(allocated);
      stranded = List.copyOf(stranded);
      expectedFragmentation = List.copyOf(expectedFragmentation);
      failed = List.copyOf(failed);
    }

    /** The allocated share when the arrived workload reached the capacity (the last point). */
    public double finalAllocated() {
      return allocated.isEmpty() ? 0 : allocated.get(allocated.size() - 1);
    }
  }

  /**
   * What the pods received.
   *
   * @param pods pods in the trace
   * @param placed pods that ran
   * @param neverPlaced pods deleted while still pending
   * @param waited pods that were pending for a while
   * @param pendingHours hours all pods spent pending
   * @param receivedGpuHours device time the pods received
   * @param demandedGpuHours device time their demand asked for
   * @param entitledGpuHours their shares times their running times
   * @param lsPods latency-sensitive pods that ran on GPUs
   * @param lsSloViolations of those, the ones that received less than {@link FleetReplay#SLO_FRACTION} of their demand
   * @param memoryRefusals device memory allocations refused by {@code memory.max}
   * @param podsWithRefusals pods that had at least one
   * @param breachGpuHours GPU-hours in which a pod got less than the smaller of its demand and its share
   */
  public record Summary(int pods, int placed, int neverPlaced, int waited, double pendingHours, double receivedGpuHours,
      double demandedGpuHours, double entitledGpuHours, int lsPods, int lsSloViolations, long memoryRefusals,
      int podsWithRefusals, double breachGpuHours) {}

  /**
   * One pod.
   *
   * @param name the trace's name
   * @param qos its QoS
   * @param gpus GPUs asked for
   * @param gpuMilli share per GPU
   * @param node the node it ran on; null if never placed
   * @param gpuIndices its GPUs there
   * @param pendingSeconds seconds it waited
   * @param received device time received, GPU-seconds
   * @param demanded device time demanded, GPU-seconds
   * @param entitled share times running time, GPU-seconds
   * @param refusals memory allocations refused
   */
  public record Pod(String name, String qos, int gpus, int gpuMilli, String node, List<Integer> gpuIndices,
      long pendingSeconds, double received, double demanded, double entitled, int refusals) {}
}
