package io.cgdev.fleet.internal.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cgdev.fleet.SharingMode;
import io.cgdev.fleet.trace.GpuModel;
import io.cgdev.fleet.trace.NodeSpec;
import io.cgdev.fleet.trace.PodSpec;
import io.cgdev.fleet.trace.Qos;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One node's simulation: the mapping of shares to {@code cpu.weight}/{@code cpu.max} and {@code
 * memory.max} as the share model and the memory controller then apply them, with constant demands
 * whose outcome is known, and the seeded demand model's invariants.
 */
class NodeSimTest {
  static final NodeSpec NODE = new NodeSpec(0, "n0", 64_000, 262_144, 2, GpuModel.of("T4").orElseThrow());

  static PodRun run(int index, int milli, long start, long end, int... gpus) {
    PodSpec pod = new PodSpec(index, "pod" + index, 1000, 1024, gpus.length, gpus.length == 0 ? 0 : gpus.length == 1 ? milli : 1000, Set.of(),
        Qos.LS, start, end);
    return new PodRun(pod, gpus, start, end);
  }

  /** Every pod's demand is constant: {@code compute[i]} GPUs' worth, memory {@code memory} × its share. */
  record Constant(double[] compute, double memory) implements PodDemand.Source {
    @Override
    public PodDemand of(PodRun run, double share) {
      double c = compute[run.pod().index()];
      return new PodDemand() {
        @Override public double next() { return 1e12; }
        @Override public double compute() { return c; }
        @Override public double memory() { return memory; }
      };
    }
  }

  static List<PodUsage> simulate(SharingMode mode, List<PodRun> runs, double[] compute, double memory) {
    return new NodeSim(NODE, runs, mode == SharingMode.MAX, new FluidShare(), new Constant(compute, memory)).run();
  }

  @Test
  void weightsShareABusyGpuInProportionToTheShares() {
    List<PodRun> runs = List.of(run(0, 250, 0, 100, 0), run(1, 750, 0, 100, 0));
    List<PodUsage> u = simulate(SharingMode.WEIGHT, runs, new double[] {1, 1}, 0.5);
    assertThat(u.get(0).received()).isCloseTo(25, within(1e-9));
    assertThat(u.get(1).received()).isCloseTo(75, within(1e-9));
    assertThat(u.get(0).entitled()).isCloseTo(25, within(1e-9));
    assertThat(u.get(0).breachSeconds()).isZero();
  }

  @Test
  void weightsAreWorkConservingAndCapsAreNot() {
    // pod 0 wants the whole GPU, pod 1 (share 0.75) only 0.25 of it
    List<PodRun> runs = List.of(run(0, 250, 0, 100, 0), run(1, 750, 0, 100, 0));
    List<PodUsage> weight = simulate(SharingMode.WEIGHT, runs, new double[] {1, 0.25}, 0.5);
    assertThat(weight.get(0).received()).isCloseTo(75, within(1e-9));
    List<PodUsage> max = simulate(SharingMode.MAX, runs, new double[] {1, 0.25}, 0.5);
    assertThat(max.get(0).received()).isCloseTo(25, within(1e-9));
    assertThat(max.get(1).received()).isCloseTo(25, within(1e-9));
  }

  @Test
  void podsComeAndGoAndAMultiGpuPodRunsOnEachOfItsGpus() {
    List<PodRun> runs = List.of(run(0, 500, 0, 100, 0), run(1, 500, 50, 100, 0), run(2, 1000, 20, 70, 0, 1));
    List<PodUsage> u = simulate(SharingMode.WEIGHT, runs, new double[] {1, 1, 1}, 0.5);
    // GPU 0: pod 0 alone for 20 s, then pods 0 and 2 (weights 500:1000) for 30 s, then all three
    // (500:500:1000) for 20 s, then pods 0 and 1 for 30 s
    assertThat(u.get(0).received()).isCloseTo(20 + 10 + 5 + 15, within(1e-9));
    assertThat(u.get(1).received()).isCloseTo(5 + 15, within(1e-9));
    assertThat(u.get(2).received()).isCloseTo(20 + 10 + 50, within(1e-9));
  }

  @Test
  void memoryBeyondMemoryMaxIsRefusedByTheController() {
    List<PodRun> runs = List.of(run(0, 500, 0, 100, 0));
    assertThat(simulate(SharingMode.WEIGHT, runs, new double[] {0.5}, 0.9).get(0).refusals()).isZero();
    PodUsage over = simulate(SharingMode.WEIGHT, runs, new double[] {0.5}, 1.25).get(0);
    assertThat(over.refusals()).isEqualTo(1);
    assertThat(over.allocations()).isEqualTo(8);
  }

  @Test
  void theSeededDemandModelKeepsTheEnginesPromises() {
    List<PodRun> runs = List.of(run(0, 300, 0, 50_000, 0), run(1, 700, 1000, 40_000, 0), run(2, 1000, 0, 30_000, 1),
        run(3, 0, 10, 20, new int[0]));
    for (SharingMode mode : SharingMode.values()) {
      List<PodUsage> u = new NodeSim(NODE, runs, mode == SharingMode.MAX, 7).run();
      List<PodUsage> again = new NodeSim(NODE, runs, mode == SharingMode.MAX, 7).run();
      assertThat(again).isEqualTo(u);
      double gpu0 = 0;
      for (PodUsage p : u) {
        assertThat(p.received()).isLessThanOrEqualTo(p.demanded() + 1e-6);
        assertThat(p.breachSeconds()).isZero();
        if (mode == SharingMode.MAX) {
          assertThat(p.received()).isLessThanOrEqualTo(p.entitled() + 1e-6);
        }
      }
      gpu0 = u.get(0).received() + u.get(1).received();
      assertThat(gpu0).isLessThanOrEqualTo(50_000 + 1e-6);
      assertThat(u.get(0).refusals() + u.get(1).refusals()).as("bursts ask for more than memory.max").isPositive();
      assertThat(u.get(3).received()).isZero();
    }
  }

  @Test
  void capsAreReadBackAsGpusWorth() {
    assertThat(NodeSim.cap("max 100000")).isInfinite();
    assertThat(NodeSim.cap("25000 100000")).isEqualTo(0.25);
  }
}
