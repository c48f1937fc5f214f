package io.cgdev.drm;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.drm.EvictionIndexPropertyTest.Cg;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The index on its own: idle bytes per scope, uncharged bytes in every scope, cgroups counted while they hold objects. */
class EvictionIndexTest {
  final Cg root = new Cg(null, "", 0);
  final Cg team = new Cg(root, "team", 1);
  final Cg job = new Cg(team, "job", 2);
  final Cg other = new Cg(root, "other", 3);
  final EvictionIndex index = new EvictionIndex();

  @Test
  void idleBytesCountInTheirCgroupAndEveryAncestorAndUnchargedOnesInEveryScope() {
    EvictionIndex.Node inJob = index.arrive(job);
    EvictionIndex.Node inOther = index.arrive(other);
    EvictionIndex.Node uncharged = index.arrive(null);
    assertThat(uncharged).isNull();
    index.add(inJob, 4);
    index.add(inOther, 16);
    index.add(uncharged, 1);
    assertThat(index.bytesFor(null)).isEqualTo(21);
    assertThat(index.bytesFor(root)).isEqualTo(21);
    assertThat(index.bytesFor(team)).isEqualTo(5);
    assertThat(index.bytesFor(job)).isEqualTo(5);
    assertThat(index.bytesFor(other)).isEqualTo(17);
    index.add(inJob, -4); // busy now
    assertThat(index.bytesFor(team)).isEqualTo(1);
    assertThat(index.bytesFor(root)).isEqualTo(17);
  }

  @Test
  void aCgroupIsCountedWhileObjectsChargedBelowItAreResident() {
    EvictionIndex.Node a = index.arrive(job);
    EvictionIndex.Node b = index.arrive(team);
    assertThat(a.parent).isSameAs(b);
    assertThat(index.cgroups()).as("job, team, root").isEqualTo(3);
    index.leave(a);
    assertThat(index.cgroups()).as("team, root").isEqualTo(2);
    assertThat(index.bytesFor(job)).isZero();
    index.leave(b);
    assertThat(index.cgroups()).isZero();
    EvictionIndex.Node again = index.arrive(job);
    assertThat(again).as("a new node once the old one went").isNotSameAs(a);
    assertThat(index.cgroups()).isEqualTo(3);
  }

  @Test
  void everyChangeOfTheCountsIsCounted() {
    int before = index.changes();
    index.add(index.arrive(job), 4);
    assertThat(index.changes()).isEqualTo(before + 1);
  }

  @Test
  void idleObjectsInScopeAreOfferedOnceEachByTheirCgroupInTheOrderCgroupsWereCountedFirst() {
    EvictionIndex.Node inJob = index.arrive(job);
    EvictionIndex.Node inOther = index.arrive(other);
    EvictionIndex.Node inTeam = index.arrive(team);
    index.add(inJob, 4);
    index.add(inOther, 8);
    index.add(inTeam, 2);
    index.add(inJob, 4);
    index.add(null, 1); // uncharged: never offered, there is no owner to ask
    index.add(inJob, -4); // one of job's is busy: not a candidate
    List<CgroupHandle> offered = new ArrayList<>();
    index.offerIdle(null, cg -> offered.add(cg));
    // counting job made root, team and job in that order (ancestors first), then other came
    assertThat(offered).containsExactly(team, job, other);
    offered.clear();
    index.offerIdle(team, cg -> offered.add(cg));
    assertThat(offered).containsExactly(team, job);
    index.add(inJob, 4); // idle again
    offered.clear();
    index.offerIdle(job, cg -> offered.add(cg));
    assertThat(offered).containsExactly(job, job);
  }
}
