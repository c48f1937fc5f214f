package io.cgdev.controller.cpuset;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupException;
import io.cgdev.api.IdList;
import io.cgdev.testkit.TestBinding;
import io.cgdev.testkit.TestCgroups;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Random trees up to depth 8 with random writes (cpus, mems, exclusive, partition), cgroups created
 * and removed on the way; after every step the files of every cgroup must equal a reference model
 * computed from scratch, and structural invariants must hold. Seeded: a failure prints its seed.
 */
class MaskPropagationPropertyTest {
  private static final int ENGINES = 8;
  private static final int REGIONS = 3;

  @RepeatedTest(30)
  void publishedMasksMatchTheReferenceModel(RepetitionInfo info) {
    long seed = 0x5eed_c0deL * 31 + info.getCurrentRepetition();
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
    // a spine of depth 8, then random extra cgroups
    ReferenceModel.Node spine = ref.root;
    for (int d = 1; d <= 8; d++) {
      spine = mkdir(gpu, ref, nodes, spine, "s" + d);
    }
    for (int i = 0; i < 10; i++) {
      ReferenceModel.Node p = nodes.get(rnd.nextInt(nodes.size()));
      if (depth(p) < 8) {
        mkdir(gpu, ref, nodes, p, "c" + i);
      }
    }
    for (int step = 0; step < 150; step++) {
      ReferenceModel.Node n = nodes.get(1 + rnd.nextInt(nodes.size() - 1));
      int op = rnd.nextInt(12);
      String what = "step " + step + " on " + n.path + ": ";
      switch (op) {
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
        case 4, 5 -> {
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
        }
        case 6, 7, 8 -> {
          int p = rnd.nextInt(3);
          gpu.write(n.path, "cpus.partition", new String[] {"member", "root", "isolated"}[p]);
          n.partition = p;
          what += "partition " + p;
        }
        case 9 -> {
          if (depth(n) < 8) {
            mkdir(gpu, ref, nodes, n, "n" + step);
          }
        }
        default -> {
          if (n.children.isEmpty() && depth(n) > 0 && !n.path.startsWith("/s1")) {
            cgroups.rmdir(n.path);
            ref.remove(n);
            nodes.remove(n);
          }
        }
      }
      check(gpu, ref, nodes, what);
    }
  }

  private static ReferenceModel.Node mkdir(
      TestBinding<CpusetState> gpu, ReferenceModel ref, List<ReferenceModel.Node> nodes, ReferenceModel.Node parent, String name) {
    String path = (parent.parent == null ? "" : parent.path) + "/" + name;
    gpu.cgroups().mkdir(path);
    ReferenceModel.Node n = ref.add(path, parent);
    nodes.add(n);
    return n;
  }

  private static int depth(ReferenceModel.Node n) {
    int d = 0;
    for (ReferenceModel.Node p = n.parent; p != null; p = p.parent) {
      d++;
    }
    return d;
  }

  private static BitSet randomSet(Random rnd, int n) {
    BitSet b = new BitSet();
    if (rnd.nextInt(6) == 0) {
      // everything: exercises "the root keeps an engine" and full overlaps
      b.set(0, n);
      return b;
    }
    int k = rnd.nextInt(4);
    for (int i = 0; i < k; i++) {
      int from = rnd.nextInt(n);
      b.set(from, Math.min(n, from + 1 + rnd.nextInt(3)));
    }
    return b;
  }

  private static String list(BitSet b) {
    return IdList.format(b) + "\n";
  }

  private static void check(TestBinding<CpusetState> gpu, ReferenceModel ref, List<ReferenceModel.Node> nodes, String what) {
    Snapshot snap = TestDevices.binding(gpu).snapshot();
    for (ReferenceModel.Node n : nodes) {
      String as = what + " -> " + n.path;
      assertThat(gpu.read(n.path, "cpus.effective")).as(as + " cpus.effective").isEqualTo(list(ref.eff(n)));
      assertThat(gpu.read(n.path, "mems.effective")).as(as + " mems.effective").isEqualTo(list(ref.memsEff(n)));
      if (n.parent != null) {
        assertThat(gpu.read(n.path, "cpus.exclusive.effective")).as(as + " exclusive.effective").isEqualTo(list(ref.xeff(n)));
        assertThat(gpu.read(n.path, "cpus.partition")).as(as + " partition").isEqualTo(ref.partitionText(n) + "\n");
      }
      // invariants, within one published generation
      Effective e = snap.of(gpu.state(n.path));
      assertThat(e.cpus() & ~TestDevices.binding(gpu).allEngines()).as(as + " within the device").isZero();
      assertThat(e.mems()).as(as + " mems never empty").isNotZero();
      if (n.parent != null) {
        Effective pe = snap.of(gpu.state(n.parent.path));
        if (e.validPartition()) {
          assertThat(e.cpus() & pe.cpus()).as(as + " a partition's engines left its parent").isZero();
          assertThat(e.exclusive() & ~pe.exclusive()).as(as + " granted from the parent").isZero();
        } else {
          assertThat(e.cpus() & ~pe.cpus()).as(as + " a member within its parent").isZero();
        }
        assertThat(e.mems() & ~pe.mems()).as(as + " mems within parent").isZero();
      } else {
        assertThat(e.cpus()).as("the root keeps an engine").isNotZero();
      }
    }
    // valid sibling partitions never share an engine
    for (ReferenceModel.Node n : nodes) {
      long seen = 0;
      for (ReferenceModel.Node c : n.children) {
        Effective ce = snap.of(gpu.state(c.path));
        if (ce.validPartition()) {
          assertThat(ce.exclusive() & seen).as(what + " disjoint partitions under " + n.path).isZero();
          seen |= ce.exclusive();
        }
      }
    }
  }
}
