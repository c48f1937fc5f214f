package io.cgdev.fleet.trace;

import java.util.Set;

/**
 * One pod of the trace: what it asks for and when it lives.
 *
 * @param index its position in the pod list
 * @param name the trace's {@code name}
 * @param cpuMilli CPU in thousandths of a core
 * @param memoryMib host memory
 * @param gpus the number of GPUs, 0..8
 * @param gpuMilli per GPU, its share in thousandths (1..1000; 1000 for every GPU of a multi-GPU pod; 0
 *     when {@code gpus} is 0)
 * @param gpuTypes the GPU types it may run on; empty: any
 * @param qos its quality of service
 * @param creation when it is created, seconds since the trace's start
 * @param deletion when it is deleted (whether or not it ran), seconds since the trace's start; at
 *     least {@code creation}
 */
public record PodSpec(int index, String name, long cpuMilli, long memoryMib, int gpus, int gpuMilli,
    Set<String> gpuTypes, Qos qos, long creation, long deletion) {
  public PodSpec {
    gpuTypes = Set.copyOf(gpuTypes);
  }

  /** Whether it may run on GPUs of this type. */
  public boolean allows(GpuModel model) {
    return gpuTypes.isEmpty() || (model != null && gpuTypes.contains(model.name()));
  }

  /** Whether it shares one GPU with others (one GPU, less than all of it). */
  public boolean sharesGpu() {
    return gpus == 1 && gpuMilli < 1000;
  }

  /** GPU thousandths it asks for in total. */
  public long totalGpuMilli() {
    return (long) gpus * gpuMilli;
  }
}
