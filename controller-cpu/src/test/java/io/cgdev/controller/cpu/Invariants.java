package io.cgdev.controller.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.testkit.TestBinding;
import io.cgdev.testkit.TestCgroups;

/** Structural checks of the run queues; call while holding the binding's lock. */
final class Invariants {
  private Invariants() {}

  /**
   * Every queue is a valid heap; a group is queued exactly when it is active and not throttled; a
   * client is queued only on the engine it runs on, if it runs, and never both queued and parked.
   */
  static void checkQueues(TestCgroups cgroups, TestBinding<CpuState> gpu) {
    for (CgroupHandle cg : cgroups.cgroups()) {
      CpuState s = gpu.state(cg);
      for (int engine = 0; engine < s.entities.length; engine++) {
        GroupEntity ge = s.entities[engine];
        RunQueue q = ge.queue;
        for (int i = 0; i < q.size(); i++) {
          SchedEntity e = q.at(i);
          assertThat(e.heapIndex).as("heap index in %s", cg).isEqualTo(i);
          assertThat(e.parentQueue).isSameAs(q);
          if (i > 0) {
            SchedEntity p = q.at((i - 1) / 2);
            assertThat(p.vruntime < e.vruntime || (p.vruntime == e.vruntime && p.seq < e.seq))
                .as("heap order in %s", cg).isTrue();
          }
          if (e instanceof ClientEntity ce) {
            assertThat(ce.client.closed).as("closed client queued in %s", cg).isFalse();
            assertThat(ce.client.runningOn).as("a client running elsewhere is queued on engine %d in %s", engine, cg)
                .isIn(-1, engine);
            assertThat(ce.client.parked[engine]).as("a queued client parked in %s", cg).isFalse();
          }
        }
        if (!s.isRoot()) {
          boolean shouldQueue = !q.isEmpty() && !s.pool.throttled();
          assertThat(ge.queued()).as("group %s queued iff active and not throttled", cg).isEqualTo(shouldQueue);
        }
      }
    }
  }
}
