package io.cgdev.sim.fluid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

/** The fluid model on cases small enough to compute by hand; each comment shows the arithmetic. */
class FluidSolverTest {
  private static final double INF = Double.POSITIVE_INFINITY;
  private static final org.assertj.core.data.Offset<Double> EXACT = within(1e-9);
  private final FluidSolver solver = new FluidSolver();

  static BitSet engines(int... e) {
    BitSet b = new BitSet();
    for (int i : e) {
      b.set(i);
    }
    return b;
  }

  @Test
  void siblingsShareOneEngineByWeight() {
    FluidTree t = new FluidTree(1);
    int a = t.leaf(FluidTree.ROOT, 100, INF, null);
    int b = t.leaf(FluidTree.ROOT, 300, INF, null);
    FluidAllocation r = solver.solve(t);
    assertThat(r.rate(a)).isCloseTo(0.25, EXACT);
    assertThat(r.rate(b)).isCloseTo(0.75, EXACT);
    assertThat(r.bound(a)).isEqualTo(Bound.SHARE);
    assertThat(r.rate(FluidTree.ROOT)).isCloseTo(1.0, EXACT);
  }

  @Test
  void demandBelowTheShareLeavesTheRestToTheOthers() {
    // a's share would be 0.5; it asks for 0.1, b takes the other 0.9
    FluidTree t = new FluidTree(1);
    int a = t.leaf(FluidTree.ROOT, 100, 0.1, null);
    int b = t.leaf(FluidTree.ROOT, 100, INF, null);
    FluidAllocation r = solver.solve(t);
    assertThat(r.rate(a)).isCloseTo(0.1, EXACT);
    assertThat(r.bound(a)).isEqualTo(Bound.DEMAND);
    assertThat(r.rate(b)).isCloseTo(0.9, EXACT);
    assertThat(r.bound(b)).isEqualTo(Bound.SHARE);
  }

  @Test
  void aBindingCapStopsAHeavyGroupAndTheRestGoesToItsSibling() {
    // weight 1000 vs 100 would give a 10/11 of the engine; cpu.max 30000 100000 stops it at 0.3
    FluidTree t = new FluidTree(1);
    int ga = t.group(FluidTree.ROOT, 1000);
    t.cap(ga, 0.3);
    int a = t.leaf(ga, 100, INF, null);
    int b = t.leaf(FluidTree.ROOT, 100, INF, null);
    FluidAllocation r = solver.solve(t);
    assertThat(r.rate(ga)).isCloseTo(0.3, EXACT);
    assertThat(r.bound(a)).isEqualTo(Bound.CAP);
    assertThat(r.boundNode(a)).isEqualTo(ga);
    assertThat(r.rate(b)).isCloseTo(0.7, EXACT);
  }

  @Test
  void aCapOnAParentSplitsAmongItsChildrenByWeight() {
    // parent capped at 0.3, children 100:200 -> 0.1 and 0.2; the uncapped sibling group takes 0.7
    FluidTree t = new FluidTree(1);
    int p = t.group(FluidTree.ROOT, 100);
    t.cap(p, 0.3);
    int c1 = t.leaf(p, 100, INF, null);
    int c2 = t.leaf(t.group(p, 200), 100, INF, null);
    int other = t.leaf(FluidTree.ROOT, 100, INF, null);
    FluidAllocation r = solver.solve(t);
    assertThat(r.rate(c1)).isCloseTo(0.1, EXACT);
    assertThat(r.rate(c2)).isCloseTo(0.2, EXACT);
    assertThat(r.rate(other)).isCloseTo(0.7, EXACT);
  }

  @Test
  void weightsApplyPerEngineAmongTheSiblingsWithWorkThere() {
    // engines 0 and 1; group A masked to engine 0, two clients b1, b2 on both engines asking for 1 each
    FluidTree t = new FluidTree(2);
    int ga = t.group(FluidTree.ROOT, 100);
    t.mask(ga, engines(0));
    int a = t.leaf(ga, 100, INF, null);
    int b1 = t.leaf(FluidTree.ROOT, 100, 1, null);
    int b2 = t.leaf(FluidTree.ROOT, 100, 1, null);
    FluidAllocation r = solver.solve(t);
    assertThat(r.rate(a)).isCloseTo(1.0 / 3, EXACT); // three equal siblings on engine 0 at first
    assertThat(r.rate(a, 1)).isZero();
    // the b leaves each grow 1/3 on engine 0 and 1/2 on engine 1: 5/6 per unit of filling time, so they
    // reach their demand of 1 at 6/5 > 1; the engines fill first: a 1/3, b's 2/3 of engine 0 and all of 1
    assertThat(r.rate(b1) + r.rate(b2)).isCloseTo(5.0 / 3, EXACT);
    assertThat(r.engineLoad(0)).isCloseTo(1.0, EXACT);
    assertThat(r.engineLoad(1)).isCloseTo(1.0, EXACT);
  }

  @Test
  void maskedGroupsAgainstAGroupOnEveryEngine() {
    // A (masked to 0) and B (both engines), equal weights, ample demand: engine 0 is split 0.5/0.5 and
    // engine 1 is B's alone -> A 0.5, B 1.5 (a device-wide max-min would say 1 : 1)
    FluidTree t = new FluidTree(2);
    int ga = t.group(FluidTree.ROOT, 100);
    t.mask(ga, engines(0));
    int a = t.leaf(ga, 100, INF, null);
    int gb = t.group(FluidTree.ROOT, 100);
    int b = t.leaf(gb, 100, INF, null);
    FluidAllocation r = solver.solve(t);
    assertThat(r.rate(a)).isCloseTo(0.5, EXACT);
    assertThat(r.rate(b)).isCloseTo(1.5, EXACT);
    assertThat(r.rate(b, 0)).isCloseTo(0.5, EXACT);
  }

  @Test
  void aClientThatNeedsLittleSpreadsOverItsEnginesAndLeavesTheRestToEach() {
    // A may use 0 and 1 and asks for 0.5; B only 0, C only 1, both ample. All grow at 1/2 per engine:
    // A reaches 0.5 at filling time 1/2 (1/4 on each engine); B and C then have their engines alone: 0.75 each
    FluidTree t = new FluidTree(2);
    int a = t.leaf(FluidTree.ROOT, 100, 0.5, engines(0, 1));
    int b = t.leaf(FluidTree.ROOT, 100, INF, engines(0));
    int c = t.leaf(FluidTree.ROOT, 100, INF, engines(1));
    FluidAllocation r = solver.solve(t);
    assertThat(r.rate(a, 0)).isCloseTo(0.25, EXACT);
    assertThat(r.rate(a, 1)).isCloseTo(0.25, EXACT);
    assertThat(r.rate(b)).isCloseTo(0.75, EXACT);
    assertThat(r.rate(c)).isCloseTo(0.75, EXACT);
  }

  @Test
  void aCappedGroupOnTwoEnginesLeavesIdleTimeWhereNobodyElseWants() {
    // A (cap 0.5) on both engines grows 1/2 on engine 0 (shared with B) and 1 on engine 1: 3/2 per unit,
    // capped at filling time 1/3: 1/6 on engine 0, 1/3 on engine 1. B gets 5/6; engine 1 idles 2/3 of the time.
    FluidTree t = new FluidTree(2);
    int ga = t.group(FluidTree.ROOT, 100);
    t.cap(ga, 0.5);
    int a = t.leaf(ga, 100, INF, engines(0, 1));
    int b = t.leaf(FluidTree.ROOT, 100, INF, engines(0));
    FluidAllocation r = solver.solve(t);
    assertThat(r.rate(a, 0)).isCloseTo(1.0 / 6, EXACT);
    assertThat(r.rate(a, 1)).isCloseTo(1.0 / 3, EXACT);
    assertThat(r.rate(b)).isCloseTo(5.0 / 6, EXACT);
    assertThat(r.engineLoad(1)).isCloseTo(1.0 / 3, EXACT);
  }

  @Test
  void nestedGroupsSplitLevelByLevel() {
    // A(100){A1(100), A2(300)} vs B(100){3 clients}: A 0.5 -> 0.125, 0.375; B's clients 1/6 each
    FluidTree t = new FluidTree(1);
    int ga = t.group(FluidTree.ROOT, 100);
    int a1 = t.leaf(t.group(ga, 100), 100, INF, null);
    int a2 = t.leaf(t.group(ga, 300), 100, INF, null);
    int gb = t.group(FluidTree.ROOT, 100);
    int[] bs = {t.leaf(gb, 100, INF, null), t.leaf(gb, 100, INF, null), t.leaf(gb, 100, INF, null)};
    FluidAllocation r = solver.solve(t);
    assertThat(r.rate(a1)).isCloseTo(0.125, EXACT);
    assertThat(r.rate(a2)).isCloseTo(0.375, EXACT);
    for (int b : bs) {
      assertThat(r.rate(b)).isCloseTo(1.0 / 6, EXACT);
    }
  }

  @Test
  void onlySiblingsWithWorkCount() {
    // a weight-600 sibling with no demand takes nothing: the two others split 100:300
    FluidTree t = new FluidTree(1);
    int idle = t.leaf(t.group(FluidTree.ROOT, 600), 100, 0, null);
    int a = t.leaf(t.group(FluidTree.ROOT, 100), 100, INF, null);
    int b = t.leaf(t.group(FluidTree.ROOT, 300), 100, INF, null);
    FluidAllocation r = solver.solve(t);
    assertThat(r.rate(idle)).isZero();
    assertThat(r.bound(idle)).isEqualTo(Bound.DEMAND);
    assertThat(r.rate(a)).isCloseTo(0.25, EXACT);
    assertThat(r.rate(b)).isCloseTo(0.75, EXACT);
  }

  /**
   * The demo's device from 1 s on: nine engines (0 render, 1 copy, 2-3 video, 4 video-enhance, 5-8
   * compute). inference (weight 400, all engines) runs 4 compute clients; training (100, cpuset 0,5-8)
   * 4 compute clients and a render client; batch (100, cpu.max 1.5 engines, cpuset 1-4) 2 video clients
   * and a copy client, every client asking for one engine. Per compute engine inference gets 400/500:
   * 3.2 engines; training 0.8 of compute plus the render engine: 1.8; batch stops at its cap: 1.5.
   */
  @Test
  void theDemoAfterInferenceArrives() {
    FluidTree t = new FluidTree(9);
    BitSet compute = engines(5, 6, 7, 8);
    int inference = t.group(FluidTree.ROOT, 400);
    for (int i = 0; i < 4; i++) {
      t.leaf(inference, 100, 1, compute);
    }
    int training = t.group(FluidTree.ROOT, 100);
    t.mask(training, engines(0, 5, 6, 7, 8));
    for (int i = 0; i < 4; i++) {
      t.leaf(training, 100, 1, compute);
    }
    int preview = t.leaf(training, 100, 1, engines(0));
    int batch = t.group(FluidTree.ROOT, 100);
    t.mask(batch, engines(1, 2, 3, 4));
    t.cap(batch, 1.5);
    t.leaf(batch, 100, 1, engines(2, 3));
    t.leaf(batch, 100, 1, engines(2, 3));
    int upload = t.leaf(batch, 100, 1, engines(1));
    FluidAllocation r = solver.solve(t);
    assertThat(r.rate(inference)).isCloseTo(3.2, EXACT);
    assertThat(r.rate(training)).isCloseTo(1.8, EXACT);
    assertThat(r.rate(batch)).isCloseTo(1.5, EXACT);
    assertThat(r.bound(preview)).isEqualTo(Bound.DEMAND);
    assertThat(r.bound(upload)).isEqualTo(Bound.CAP);
    assertThat(r.boundNode(upload)).isEqualTo(batch);
    // batch's three clients grow at 1 each (one copy engine, two video engines for two clients): 0.5 each
    assertThat(r.rate(upload)).isCloseTo(0.5, EXACT);
  }

  @Test
  void aLeafWithoutAnEngineItMayUseGetsNothing() {
    FluidTree t = new FluidTree(2);
    int g = t.group(FluidTree.ROOT, 100);
    t.mask(g, engines(1));
    int a = t.leaf(g, 100, INF, engines(0));
    FluidAllocation r = solver.solve(t);
    assertThat(r.rate(a)).isZero();
    assertThat(r.bound(a)).isEqualTo(Bound.NO_ENGINE);
  }

  @Test
  void aZeroCapStopsTheGroupAtOnce() {
    FluidTree t = new FluidTree(1);
    int g = t.group(FluidTree.ROOT, 100);
    t.cap(g, 0);
    int a = t.leaf(g, 100, INF, null);
    int b = t.leaf(FluidTree.ROOT, 100, INF, null);
    FluidAllocation r = solver.solve(t);
    assertThat(r.rate(a)).isZero();
    assertThat(r.bound(a)).isEqualTo(Bound.CAP);
    assertThat(r.rate(b)).isCloseTo(1.0, EXACT);
  }

  @Test
  void enginesOfLowerCapacityGiveLess() {
    FluidTree t = new FluidTree(new double[] {0.5, 1.0});
    int a = t.leaf(FluidTree.ROOT, 100, INF, engines(0));
    int b = t.leaf(FluidTree.ROOT, 100, INF, null);
    FluidAllocation r = solver.solve(t);
    assertThat(r.rate(a)).isCloseTo(0.25, EXACT);
    assertThat(r.rate(b)).isCloseTo(1.25, EXACT);
  }

  @Test
  void solvingAgainAfterAChangeReusesTheSolverAndGivesTheNewAnswer() {
    FluidTree t = new FluidTree(1);
    int a = t.leaf(FluidTree.ROOT, 100, INF, null);
    int b = t.leaf(FluidTree.ROOT, 100, INF, null);
    FluidAllocation r = new FluidAllocation();
    solver.solveInto(t, r);
    assertThat(r.rate(a)).isCloseTo(0.5, EXACT);
    t.weight(b, 300);
    solver.solveInto(t, r);
    assertThat(r.rate(a)).isCloseTo(0.25, EXACT);
    t.demand(b, 0);
    solver.solveInto(t, r);
    assertThat(r.rate(a)).isCloseTo(1.0, EXACT);
    int c = t.leaf(FluidTree.ROOT, 100, INF, null);
    solver.solveInto(t, r);
    assertThat(r.rate(a)).isCloseTo(0.5, EXACT);
    assertThat(r.rate(c)).isCloseTo(0.5, EXACT);
  }

  @Test
  void badInputsAreRefusedNamingTheNodeAndValue() {
    FluidTree t = new FluidTree(2);
    int a = t.leaf(FluidTree.ROOT, 100, 1, null);
    assertThatThrownBy(() -> t.group(a, 100)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaf");
    assertThatThrownBy(() -> t.group(FluidTree.ROOT, 0)).hasMessageContaining("weight 0.0");
    assertThatThrownBy(() -> t.weight(a, Double.NaN)).hasMessageContaining("weight NaN");
    assertThatThrownBy(() -> t.demand(a, -1)).hasMessageContaining("demand -1.0");
    assertThatThrownBy(() -> t.demand(FluidTree.ROOT, 1)).hasMessageContaining("group");
    assertThatThrownBy(() -> t.cap(a, -0.5)).hasMessageContaining("cap -0.5");
    assertThatThrownBy(() -> t.mask(a, engines(2))).hasMessageContaining("engine 2");
    assertThatThrownBy(() -> t.leaf(7, 100, 1, null)).hasMessageContaining("no node 7");
    assertThatThrownBy(() -> new FluidTree(0)).hasMessageContaining("at least one engine");
    assertThat(t.size()).isEqualTo(2);
  }
}
