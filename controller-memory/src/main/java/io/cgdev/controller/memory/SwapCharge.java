package io.cgdev.controller.memory;

import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.MemoryCharging;

/**
 * One cgroup's share of the registration's swap ({@link MemoryCharging.SwapPool}): the state whose
 * swap counter an eviction charged. Made once with the state; immutable.
 */
record SwapCharge(MemoryState state) implements MemoryCharging.SwapPool {
  @Override
  public CgroupHandle cgroup() {
    return state.cgroup();
  }

  @Override
  public String toString() {
    return "swap of " + state.binding().regionName() + "@" + state.cgroup().path();
  }
}
