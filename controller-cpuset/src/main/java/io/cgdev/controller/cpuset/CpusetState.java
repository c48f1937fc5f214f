package io.cgdev.controller.cpuset;

import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceState;
import java.util.ArrayList;
import java.util.List;

/**
 * The cpuset state of one cgroup for one device (the kernel's struct cpuset). Holds what was written
 * ({@link CpusetConfig}, a volatile immutable value) and its place in the tree; what it may use is
 * published by its {@link CpusetBinding} in one snapshot for the whole device.
 *
 * <p>The child list and the slot change only under the hierarchy lock; {@link #config()} and {@link
 * #effective()} may be read from any thread.
 */
final class CpusetState implements DeviceState {
  private final CpusetBinding binding;
  private final CgroupHandle cgroup;
  private final CpusetState parent;
  private final int slot;
  /** Children in creation order; hierarchy lock only. */
  private final List<CpusetState> children = new ArrayList<>();

  private volatile CpusetConfig config = CpusetConfig.DEFAULT;
  /** The last view it had, once it left the tree; read by late readers of a removed cgroup. */
  private volatile Effective retired;

  CpusetState(CpusetBinding binding, CgroupHandle cgroup, CpusetState parent, int slot) {
    this.binding = binding;
    this.cgroup = cgroup;
    this.parent = parent;
    this.slot = slot;
  }

  CpusetBinding binding() {
    return binding;
  }

  CgroupHandle cgroup() {
    return cgroup;
  }

  CpusetState parent() {
    return parent;
  }

  boolean isRoot() {
    return parent == null;
  }

  int slot() {
    return slot;
  }

  List<CpusetState> children() {
    return children;
  }

  CpusetConfig config() {
    return config;
  }

  void config(CpusetConfig value) {
    this.config = value;
  }

  Effective retired() {
    return retired;
  }

  void retire(Effective last) {
    this.retired = last;
  }

  /** What this cgroup may use now. Lock-free. */
  Effective effective() {
    return binding.effectiveOf(this);
  }

  /** The cgroup's path, for messages. */
  String path() {
    return cgroup.path().toString();
  }

  @Override
  public void offline() {
    binding.remove(this);
  }

  @Override
  public String toString() {
    return "CpusetState[" + path() + "]";
  }
}
