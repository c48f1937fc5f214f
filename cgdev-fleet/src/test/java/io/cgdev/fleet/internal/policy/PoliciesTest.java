package io.cgdev.fleet.internal.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.fleet.Policies;
import io.cgdev.fleet.placement.ClusterView;
import io.cgdev.fleet.placement.NodeView;
import io.cgdev.fleet.placement.Placement;
import io.cgdev.fleet.placement.PlacementPolicy;
import io.cgdev.fleet.placement.WorkloadProfile;
import io.cgdev.fleet.trace.GpuModel;
import io.cgdev.fleet.trace.PodSpec;
import io.cgdev.fleet.trace.Qos;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The built-in policies on hand-made clusters whose right answer is known. */
class PoliciesTest {
  private static final GpuModel T4 = GpuModel.of("T4").orElseThrow();

  /** A node with the given free share per GPU and plenty of CPU and memory. */
  record Node(int index, int[] free, long freeCpu) implements NodeView {
    @Override public String name() { return "n" + index; }
    @Override public GpuModel model() { return free.length == 0 ? null : T4; }
    @Override public int gpuCount() { return free.length; }
    @Override public int freeMilli(int g) { return free[g]; }
    @Override public long freeCpuMilli() { return freeCpu; }
    @Override public long freeMemoryMib() { return 1 << 20; }
    @Override public long cpuMilli() { return 64_000; }
    @Override public long version() { return 0; }
  }

  record Cluster(List<Node> nodes, WorkloadProfile profile) implements ClusterView {
    @Override public int nodeCount() { return nodes.size(); }
    @Override public NodeView node(int i) { return nodes.get(i); }
  }

  private static PodSpec pod(int gpus, int milli) {
    return new PodSpec(0, "p", 1000, 1024, gpus, milli, Set.of(), Qos.LS, 0, 10);
  }

  private static WorkloadProfile profile(int milli) {
    return new WorkloadProfile(List.of(new WorkloadProfile.TaskClass(1, milli, 1000, 1024, 1.0)));
  }

  private static Optional<Placement> place(String policy, Cluster c, PodSpec p) {
    return Policies.create(policy).place(p, c);
  }

  @Test
  void serviceLoaderFindsTheThreeBuiltInPolicies() {
    assertThat(Policies.names()).containsExactly("best-fit", "first-fit", "frag");
    assertThatThrownBy(() -> Policies.create("random")).hasMessage("no placement policy 'random' (known: best-fit, first-fit, frag)");
    for (String n : Policies.names()) {
      PlacementPolicy p = Policies.create(n);
      assertThat(p.name()).isEqualTo(n);
      assertThat(p.description()).isNotBlank();
    }
  }

  @Test
  void firstFitTakesTheFirstNodeAndGpuWithRoom() {
    Cluster c = new Cluster(List.of(new Node(0, new int[] {100, 100}, 64_000), new Node(1, new int[] {1000, 600}, 64_000),
        new Node(2, new int[] {1000, 1000}, 64_000)), profile(500));
    assertThat(place("first-fit", c, pod(1, 500))).contains(new Placement(1, new int[] {0}));
    assertThat(place("first-fit", c, pod(2, 1000))).contains(new Placement(2, new int[] {0, 1}));
    assertThat(place("first-fit", c, pod(4, 1000))).isEmpty();
  }

  @Test
  void bestFitTakesTheFullestNodeAndTheFullestGpuThatFits() {
    Cluster c = new Cluster(List.of(new Node(0, new int[] {1000, 1000}, 64_000), new Node(1, new int[] {1000, 600}, 64_000),
        new Node(2, new int[] {100, 100}, 64_000)), profile(500));
    assertThat(place("best-fit", c, pod(1, 500))).contains(new Placement(1, new int[] {1}));
    assertThat(place("best-fit", c, pod(1, 100))).contains(new Placement(2, new int[] {0}));
  }

  @Test
  void fragLeavesRoomThatTheExpectedTasksCanUse() {
    // tasks of 600 are expected: putting 100 on the GPU with 600 free strands 500 that no such task can use;
    // best-fit does exactly that, FGD takes the whole free GPU instead
    Cluster c = new Cluster(List.of(new Node(0, new int[] {600, 1000}, 64_000)), profile(600));
    assertThat(place("best-fit", c, pod(1, 100))).contains(new Placement(0, new int[] {0}));
    assertThat(place("frag", c, pod(1, 100))).contains(new Placement(0, new int[] {1}));
    // with tasks of 400 expected, 500 left is still usable and 100 more on the 1000 GPU changes nothing: the
    // tie goes to the lower GPU
    Cluster d = new Cluster(List.of(new Node(0, new int[] {600, 1000}, 64_000)), profile(400));
    assertThat(place("frag", d, pod(1, 100))).contains(new Placement(0, new int[] {0}));
  }

  @Test
  void fragmentationCountsAllFreeShareWhereATaskCannotRunAtAll() {
    Node n = new Node(0, new int[] {300, 1000}, 64_000);
    assertThat(Fragmentation.expected(n, profile(500).classes())).isEqualTo(300.0);
    // a node without CPU for the task: every free share is fragmented
    Node starved = new Node(0, new int[] {300, 1000}, 500);
    assertThat(Fragmentation.expected(starved, profile(500).classes())).isEqualTo(1300.0);
    WorkloadProfile whole = new WorkloadProfile(List.of(new WorkloadProfile.TaskClass(2, 1000, 1000, 1024, 1.0)));
    assertThat(Fragmentation.expected(n, whole.classes())).isEqualTo(1300.0);
  }

  @Test
  void theProfileOfAPodListWeighsClassesByPopularity() {
    WorkloadProfile p = WorkloadProfile.of(List.of(pod(1, 500), pod(1, 500), pod(2, 1000), pod(0, 0)));
    assertThat(p.classes()).hasSize(2);
    assertThat(p.classes().get(0).gpuMilli()).isEqualTo(500);
    assertThat(p.classes().get(0).popularity()).isEqualTo(2 / 3.0);
    assertThat(p.classes().get(1).gpus()).isEqualTo(2);
  }
}
