package io.cgdev.controller.memory;

import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.MemoryCharging;

/**
 * One cgroup's share of one region ({@link MemoryCharging.Pool}): the state and the region index a
 * charge was taken from. Made once per region when the state is created, so handing one out costs
 * nothing; immutable.
 */
record ChargePool(MemoryState state, int region) implements MemoryCharging.Pool {
  @Override
  public CgroupHandle cgroup() {
    return state.cgroup();
  }

  @Override
  public String toString() {
    return state.binding().regionName(region) + "@" + state.cgroup().path();
  }
}
