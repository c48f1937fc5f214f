package io.cgdev.fleet.placement;

import io.cgdev.fleet.trace.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The mix of GPU tasks a cluster is expected to receive, as FGD's "target workload": task classes by
 * GPU demand (number of GPUs, share per GPU), each with its popularity (fraction of GPU pods) and the
 * mean CPU and memory its pods ask for. CPU-only pods are left out: they cannot use a GPU, so no
 * placement changes how much GPU they leave unusable.
 *
 * @param classes the classes, ordered by GPUs then share
 */
public record WorkloadProfile(List<TaskClass> classes) {
  public WorkloadProfile {
    classes = List.copyOf(classes);
  }

  /**
   * One class of tasks.
   *
   * @param gpus GPUs per task
   * @param gpuMilli share per GPU in thousandths
   * @param cpuMilli mean CPU of its pods
   * @param memoryMib mean memory of its pods
   * @param popularity its fraction of all GPU pods (the classes' sum is 1)
   */
  public record TaskClass(int gpus, int gpuMilli, long cpuMilli, long memoryMib, double popularity) {}

  /** The profile of a pod list. */
  public static WorkloadProfile of(List<PodSpec> pods) {
    Map<Long, long[]> sums = new TreeMap<>(); // key gpus*10000+milli -> count, cpu, memory
    int total = 0;
    for (PodSpec p : pods) {
      if (p.gpus() == 0) {
        continue;
      }
      long[] s = sums.computeIfAbsent(p.gpus() * 10_000L + p.gpuMilli(), k -> new long[3]);
      s[0]++;
      s[1] += p.cpuMilli();
      s[2] += p.memoryMib();
      total++;
    }
    List<TaskClass> out = new ArrayList<>();
    for (Map.Entry<Long, long[]> e : sums.entrySet()) {
      long[] s = e.getValue();
      out.add(new TaskClass((int) (e.getKey() / 10_000), (int) (e.getKey() % 10_000), s[1] / s[0], s[2] / s[0],
          s[0] / (double) total));
    }
    return new WorkloadProfile(out);
  }
}
