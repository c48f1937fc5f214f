package io.cgdev.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.controller.memory.MemoryController;
import io.cgdev.core.Cgroups;
import io.cgdev.i915.I915Driver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Building a scenario's tree through the file view: what a refused write tells the scenario's author. */
class TreeBuilderTest {
  private final Cgroups world = Cgroups.builder().discover(false).controller(new MemoryController())
      .driver(new I915Driver()).build();

  @AfterEach
  void close() {
    world.close();
  }

  @Test
  void aRegionKeyedMemoryValueIsRefusedWithTheFormThatWorksAndNothingIsWritten() {
    // the form of ../shared/bench/hundred-workloads.yaml, written for an earlier version of the files
    Scenario s = ScenarioParser.parse("old.yaml", """
        tenants:
          - name: team0
            memory: { max: lmem0 1024M }
        """);
    assertThatThrownBy(() -> new TreeBuilder(world.fs(), world.controllers(), "i915.0").build(s))
        .isInstanceOf(ScenarioException.class)
        .hasMessageContaining("old.yaml:3")
        .hasMessageContaining("invalid size 'lmem0 1024M'")
        .hasMessageContaining("(EINVAL)")
        .hasMessageContaining("write 'max: 1024M'")
        .hasMessageContaining("dmem.max");
    assertThat(world.fs().read("/team0/memory.devices/i915.0/memory.max").strip()).isEqualTo("max");
  }

  @Test
  void aPlainBadValueGetsNoRegionHint() {
    Scenario s = ScenarioParser.parse("bad.yaml", """
        tenants:
          - name: team0
            memory: { max: 12X }
        """);
    assertThatThrownBy(() -> new TreeBuilder(world.fs(), world.controllers(), "i915.0").build(s))
        .isInstanceOf(ScenarioException.class)
        .hasMessageContaining("invalid size '12X'")
        .hasMessageNotContaining("REGION VALUE");
  }

  @Test
  void theWrittenFormIsTakenAsTheHintSaysAndTheLimitHolds() {
    Scenario s = ScenarioParser.parse("new.yaml", """
        tenants:
          - name: team0
            memory: { max: 1024M }
        """);
    new TreeBuilder(world.fs(), world.controllers(), "i915.0").build(s);
    assertThat(world.fs().read("/team0/memory.devices/i915.0/memory.max").strip()).isEqualTo("1073741824");
  }
}
