package io.cgdev.sample.gem;

import io.cgdev.api.spi.DeviceState;
import io.cgdev.plugin.support.HierarchicalCounter;

/**
 * One cgroup's GEM object count on one device: a {@link HierarchicalCounter} level below its
 * parent's (add at every level, compare with the limit, take back on failure). Lock-free.
 */
public final class GemState implements DeviceState {
  final HierarchicalCounter objects;

  GemState(GemState parent) {
    this.objects = new HierarchicalCounter(parent == null ? null : parent.objects);
  }

  @Override
  public boolean drained() {
    return objects.drained();
  }
}
