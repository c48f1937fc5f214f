package io.cgdev.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.fleet.report.FleetHtml;
import io.cgdev.fleet.report.FleetJson;
import io.cgdev.fleet.trace.PodSpec;
import io.cgdev.fleet.trace.Trace;
import io.cgdev.fleet.trace.TraceReader;
import io.cgdev.sim.Progress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole replay on a slice of the built-in trace (its first 400 pods, its first 300 nodes, lives cut to a day): every
 * pod is accounted for, the figures hold their invariants, and the JSON is byte-identical whatever the
 * number of threads. Budget: about 20 s on the busy build machine (three replays of three policies).
 */
class FleetReplayTest {
  private static Trace slice;
  private static FleetResult weightOneThread;
  private static FleetResult weightTwoThreads;
  private static FleetResult max;

  @BeforeAll
  static void slice() {
    Trace all = TraceReader.builtIn("default");
    List<PodSpec> pods = new ArrayList<>();
    for (PodSpec p : all.pods().subList(0, 400)) {
      // lives of at most a day keep the demand phases, and so the budget, small
      pods.add(new PodSpec(p.index(), p.name(), p.cpuMilli(), p.memoryMib(), p.gpus(), p.gpuMilli(), p.gpuTypes(), p.qos(),
          p.creation(), Math.min(p.deletion(), p.creation() + 86_400)));
    }
    slice = new Trace("slice", all.nodes().subList(0, 300), pods);
    weightOneThread = run(1, SharingMode.WEIGHT, 3);
    weightTwoThreads = run(2, SharingMode.WEIGHT, 3);
    max = run(2, SharingMode.MAX, 3);
  }

  private static FleetResult run(int threads, SharingMode mode, long seed) {
    return new FleetReplay(slice, new FleetOptions(FleetOptions.DEFAULT_POLICIES, mode, seed, 50, threads), Progress.NONE).run();
  }

  @Test
  void theSameInputGivesByteIdenticalJsonWhateverTheThreads() {
    assertThat(FleetJson.write(weightTwoThreads)).isEqualTo(FleetJson.write(weightOneThread));
    assertThat(FleetJson.write(max)).as("caps instead of weights").isNotEqualTo(FleetJson.write(weightOneThread));
  }

  @Test
  void everyPodIsAccountedForAndTheFiguresHoldTheirInvariants() {
    for (FleetResult r : List.of(weightTwoThreads, max)) {
      SharingMode mode = r.options().mode();
      assertThat(r.policies()).extracting(PolicyResult::policy).containsExactly("first-fit", "best-fit", "frag");
      for (PolicyResult p : r.policies()) {
        PolicyResult.Summary s = p.summary();
        assertThat(s.placed() + s.neverPlaced()).isEqualTo(400);
        assertThat(s.placed()).isGreaterThan(300);
        assertThat(p.pods()).hasSize(400);
        assertThat(s.receivedGpuHours()).isPositive().isLessThanOrEqualTo(s.demandedGpuHours() + 1e-6);
        assertThat(s.breachGpuHours()).as("a share is always honoured").isZero();
        if (mode == SharingMode.MAX) {
          assertThat(s.receivedGpuHours()).isLessThanOrEqualTo(s.entitledGpuHours() + 1e-6);
        }
        assertThat(s.lsSloViolations()).isLessThanOrEqualTo(s.lsPods());
        assertThat(p.nodesBooted()).isPositive();
        PolicyResult.Allocation a = p.allocation();
        assertThat(a.allocationRate()).isBetween(0.0, 1.0);
        assertThat(a.peakAllocationRate()).isGreaterThanOrEqualTo(a.allocationRate());
        assertThat(a.allocated()).hasSize(50);
        assertThat(p.inflation().arrived()).hasSize(20);
        assertThat(p.inflation().finalAllocated()).isBetween(0.3, 1.0);
        for (PolicyResult.Pod pod : p.pods()) {
          assertThat(pod.pendingSeconds()).isNotNegative();
          if (pod.node() == null) {
            assertThat(pod.received()).isZero();
            assertThat(pod.gpuIndices()).isEmpty();
          } else {
            assertThat(pod.gpuIndices()).hasSize(pod.gpus());
          }
        }
      }
      assertThat(FleetHtml.write(r)).contains("<svg", "first-fit", "best-fit", "frag", "Side by side");
    }
  }

  @Test
  void anUnknownPolicyIsRefusedBeforeAnythingRuns() {
    assertThatThrownBy(() -> new FleetReplay(slice, new FleetOptions(List.of("first-fit", "nope"), SharingMode.WEIGHT, 1, 10, 1),
        Progress.NONE).run()).hasMessageContaining("no placement policy 'nope'");
    assertThatThrownBy(() -> new FleetOptions(List.of("frag", "frag"), SharingMode.WEIGHT, 1, 10, 1))
        .hasMessageContaining("named twice");
  }
}
