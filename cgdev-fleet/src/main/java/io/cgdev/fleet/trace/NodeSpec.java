package io.cgdev.fleet.trace;

/**
 * One node of the trace.
 *
 * @param index its position in the node list (the fleet's node number)
 * @param name the trace's {@code sn}
 * @param cpuMilli CPU in thousandths of a core
 * @param memoryMib host memory
 * @param gpus the number of GPUs (0 for a CPU-only node)
 * @param model the GPUs' type; null when {@code gpus} is 0
 */
public record NodeSpec(int index, String name, long cpuMilli, long memoryMib, int gpus, GpuModel model) {}
