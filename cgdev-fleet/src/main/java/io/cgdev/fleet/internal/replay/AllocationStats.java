package io.cgdev.fleet.internal.replay;

import java.util.List;

/**
 * The allocation figures of one placement replay (what a placement-only simulator such as FGD's
 * measures), averaged over time from the first arrival to the last deletion, and sampled for charts.
 *
 * @param gpuMilli the cluster's GPU capacity in thousandths
 * @param allocationRate time-averaged allocated GPU share / capacity
 * @param peakAllocationRate the highest allocated share / capacity at any moment
 * @param fragmentation time-averaged unallocated share on partly allocated GPUs / capacity
 * @param expectedFragmentation FGD's expected fragmentation / capacity, averaged over the samples
 * @param sampleSeconds the sample times
 * @param allocated allocation rate at each sample
 * @param stranded fragmentation at each sample
 * @param pending pods pending at each sample
 */
public record AllocationStats(long gpuMilli, double allocationRate, double peakAllocationRate, double fragmentation,
    double expectedFragmentation, List<Long> sampleSeconds, List<Double> allocated, List<Double> stranded,
    List<Integer> pending) {
  public AllocationStats {
    sampleSeconds = List.copyOf(sampleSeconds);
    allocated = List.copyOf(allocated);
    stranded = List.copyOf(stranded);
    pending = List.copyOf(pending);
  }
}
