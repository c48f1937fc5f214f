package io.cgdev.fleet.internal.node;

/**
 * What a pod received on its node, summed over its GPUs, in GPU-seconds.
 *
 * @param pod the pod's number in the trace
 * @param received device time it got
 * @param demanded device time its demand model asked for
 * @param entitled its share times its running time (what it requested)
 * @param refusals allocations of device memory refused ({@code ENOSPC}: over its {@code memory.max})
 * @param allocations allocations of device memory made
 * @param breachSeconds seconds in which it got less than the smaller of its demand and its share on
 *     some GPU (the promise of the share; 0 when enforcement keeps it)
 */
public record PodUsage(int pod, double received, double demanded, double entitled, int refusals, int allocations,
    double breachSeconds) {}
