package io.cgdev.controller.memory;

import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.MemoryCharging;

/**
 * One cgroup's share of the registration's device memory ({@link MemoryCharging.Pool}): the state a
 * charge was taken from. Made once when the state is created, so handing one out costs nothing;
 * immutable.
 */
record ChargePool(MemoryState state) implements MemoryCharging.Pool {
  @Override
  public CgroupHandle cgroup() {
    return state.cgroup();
  }

  @Override
  public int region() {
    return 0; // one region per registration
  }

  @Override
  public String toString() {
    return state.binding().regionName() + "@" + state.cgroup().path();
  }
}
