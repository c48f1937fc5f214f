package io.cgdev.controller.cpuset;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupException;
import io.cgdev.api.IdList;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.testkit.TestCgroups;
import io.cgdev.testkit.TestBinding;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * The binding recomputes only what a change can reach (a new cgroup's slot, a member's subtree, one
 * level of partition decisions). This test holds those shortcuts to two full computations after
 * every step of a seeded random run on wide, shallow trees (many siblings, where the shortcuts
 * matter): {@link MaskPropagation#visit} of the whole tree from the root after every step, and the
 * independent {@link ReferenceModel} (files and {@code cpuset.cpus.isolated}) every tenth step (it
 * recomputes everything per query, so it is slow on wide trees). It also checks that the listeners
 * hear of exactly the topmost cgroups whose engines or regions changed, as a full recomputation
 * tells them. A failure prints its seed.
 */
class IncrementalPublicationTest {
  private static final int ENGINES = 6;
  private static final int REGIONS = 2;

  @RepeatedTest(10)
  void incrementalViewsEqualAFullRecomputation(RepetitionInfo info) {
    long seed = 0x1dc0_4e57L * 7919 + info.getCurrentRepetition();
    try {
      run(seed);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
    }
  }

  private void run(long seed) {
    Random rnd = new Random(seed);
    TestCgroups cgroups = new TestCgroups();
    TestBinding<CpusetState> gpu = cgroups.bind(new CpusetController(), TestDevices.gpu0(ENGINES, REGIONS));
    ReferenceModel ref = new ReferenceModel(ENGINES, REGIONS);
    List<ReferenceModel.Node> nodes = new ArrayList<>();
    nodes.add(ref.root);
    List<CgroupHandle> heard = new ArrayList<>();
    TestDevices.mask(gpu).onChange(heard::add);
    int made = 0;
    for (int i = 0; i < 20; i++) {
      mkdir(gpu, ref, nodes, ref.root, "w" + made++);
    }
    Map<String, long[]> before = views(gpu);
    for (int step = 0; step < 150; step++) {
      ReferenceModel.Node n = nodes.get(1 + rnd.nextInt(nodes.size() - 1));
      heard.clear();
      String what = "step " + step + " on " + n.path + ": ";
      switch (rnd.nextInt(10)) {
        case 0, 1, 2 -> {
          BitSet v = randomSet(rnd, ENGINES);
          gpu.write(n.path, "cpus", IdList.format(v));
          n.cpus = v;
          what += "cpus " + v;
        }
        case 3 -> {
          BitSet v = randomSet(rnd, REGIONS);
          gpu.write(n.path, "mems", IdList.format(v));
          n.mems = v;
          what += "mems " + v;
        }
        case 4 -> {
          BitSet v = rnd.nextInt(3) == 0 ? new BitSet() : randomSet(rnd, ENGINES);
          boolean refused = ref.exclusiveRefused(n, v);
          boolean failed = false;
          try {
            gpu.write(n.path, "cpus.exclusive", IdList.format(v));
          } catch (CgroupException e) {
            failed = true;
          }
          assertThat(failed).as(what + "exclusive " + v + " refused").isEqualTo(refused);
          if (!failed) {
            n.exclusive = v;
          }
          what += "exclusive " + v;
        }
        case 5, 6 -> {
          int p = rnd.nextInt(3);
          gpu.write(n.path, "cpus.partition", new String[] {"member", "root", "isolated"}[p]);
          n.partition = p;
          what += "partition " + p;
        }
        case 7, 8 -> {
          ReferenceModel.Node parent = n.parent.parent == null && rnd.nextBoolean() ? n : ref.root;
          mkdir(gpu, ref, nodes, parent, "w" + made++);
          what += "mkdir under " + parent.path;
        }
        default -> {
          if (n.children.isEmpty()) {
            cgroups.rmdir(n.path);
            ref.remove(n);
            nodes.remove(n);
            what += "rmdir";
          }
        }
      }
      check(gpu, ref, nodes, what, step % 10 == 0);
      Map<String, long[]> after = views(gpu);
      Set<String> expected = topmostChanged(before, after, nodes);
      before = after;
      Set<String> told = new HashSet<>();
      heard.forEach(h -> told.add(h.path().toString()));
      assertThat(told).as(what + ": listeners told").isEqualTo(expected);
      assertThat(heard).as(what + ": each told once").hasSize(told.size());
    }
  }

  private static void mkdir(
      TestBinding<CpusetState> gpu, ReferenceModel ref, List<ReferenceModel.Node> nodes, ReferenceModel.Node parent, String name) {
    String path = (parent.parent == null ? "" : parent.path) + "/" + name;
    gpu.cgroups().mkdir(path);
    nodes.add(ref.add(path, parent));
  }

  /**
   * Every published view equals the full recomputation; with {@code againstReference} also the
   * files against the (slow) reference model.
   */
  private static void check(
      TestBinding<CpusetState> gpu, ReferenceModel ref, List<ReferenceModel.Node> nodes, String what, boolean againstReference) {
    Snapshot snap = TestDevices.binding(gpu).snapshot();
    Map<CpusetState, Effective> full = fullRecomputation(gpu);
    assertThat(full).as(what + ": every cgroup in the tree").hasSize(nodes.size());
    for (ReferenceModel.Node n : nodes) {
      CpusetState state = gpu.state(n.path);
      assertThat(snap.of(state)).as(what + " -> " + n.path + ": published = full recomputation").isEqualTo(full.get(state));
    }
    if (!againstReference) {
      return;
    }
    BitSet isolated = new BitSet();
    for (ReferenceModel.Node n : nodes) {
      String as = what + " -> " + n.path;
      assertThat(gpu.read(n.path, "cpus.effective")).as(as + " cpus.effective").isEqualTo(list(ref.eff(n)));
      assertThat(gpu.read(n.path, "mems.effective")).as(as + " mems.effective").isEqualTo(list(ref.memsEff(n)));
      if (n.parent != null) {
        assertThat(gpu.read(n.path, "cpus.exclusive.effective")).as(as + " exclusive.effective").isEqualTo(list(ref.xeff(n)));
        assertThat(gpu.read(n.path, "cpus.partition")).as(as + " partition").isEqualTo(ref.partitionText(n) + "\n");
        if (n.partition == 2 && ref.validPartition(n)) {
          isolated.or(ref.eff(n));
        }
      }
    }
    assertThat(gpu.read("/", "cpus.isolated")).as(what + ": cpus.isolated").isEqualTo(list(isolated));
  }

  private static Map<CpusetState, Effective> fullRecomputation(TestBinding<CpusetState> gpu) {
    CpusetBinding binding = TestDevices.binding(gpu);
    Map<CpusetState, Effective> full = new IdentityHashMap<>();
    MaskPropagation.visit(gpu.state("/"), MaskPropagation.rootInput(binding.allEngines(), binding.allRegions()),
        (state, input, view) -> full.put(state, view));
    return full;
  }

  /** Each cgroup's effective engines and regions by path, as a full recomputation has them. */
  private static Map<String, long[]> views(TestBinding<CpusetState> gpu) {
    Map<String, long[]> out = new LinkedHashMap<>();
    fullRecomputation(gpu).forEach((state, view) -> out.put(state.path(), new long[] {view.cpus(), view.mems()}));
    return out;
  }

  /** Cgroups in both views whose engines or regions differ, and whose parent's do not. */
  private static Set<String> topmostChanged(
      Map<String, long[]> before, Map<String, long[]> after, List<ReferenceModel.Node> nodes) {
    Set<String> changed = new HashSet<>();
    for (ReferenceModel.Node n : nodes) {
      long[] b = before.get(n.path);
      long[] a = after.get(n.path);
      if (b != null && a != null && (b[0] != a[0] || b[1] != a[1])) {
        changed.add(n.path);
      }
    }
    Set<String> topmost = new HashSet<>();
    for (ReferenceModel.Node n : nodes) {
      if (changed.contains(n.path) && (n.parent == null || !changed.contains(n.parent.path))) {
        topmost.add(n.path);
      }
    }
    return topmost;
  }

  private static BitSet randomSet(Random rnd, int n) {
    BitSet b = new BitSet();
    if (rnd.nextInt(5) == 0) {
      return b;
    }
    int from = rnd.nextInt(n);
    b.set(from, Math.min(n, from + 1 + rnd.nextInt(3)));
    return b;
  }

  private static String list(BitSet b) {
    return IdList.format(b) + "\n";
  }
}
