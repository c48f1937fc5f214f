package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.StateKey;

/**
 * One controller bound to one registration: the {@link StateKey} (a slot into every cgroup's state
 * array) and the {@link BindContext} the controller is given, plus the plugin's {@link DeviceBinding}.
 * {@link #live()} turns false for good when the registration is torn down; the slot may then be
 * reused by another binding, which is why lookups check liveness first.
 *
 * @param <S> the controller's state type
 */
public final class Binding<S extends DeviceState> implements StateKey<S>, BindContext<S> {
  private final Hierarchy hierarchy;
  private final ControllerEntry<S> controller;
  private final Registration registration;
  private final int slot;
  private DeviceBinding<S> device;
  private volatile boolean live;

  Binding(Hierarchy hierarchy, ControllerEntry<S> controller, Registration registration, int slot) {
    this.hierarchy = hierarchy;
    this.controller = controller;
    this.registration = registration;
    this.slot = slot;
  }

  @Override
  public Registration registration() {
    return registration;
  }

  @Override
  public StateKey<S> key() {
    return this;
  }

  @Override
  public CgroupHandle root() {
    return hierarchy.root();
  }

  public ControllerEntry<S> controller() {
    return controller;
  }

  public int slot() {
    return slot;
  }

  public boolean live() {
    return live;
  }

  void live(boolean on) {
    live = on;
  }

  DeviceBinding<S> device() {
    return device;
  }

  void device(DeviceBinding<S> d) {
    device = d;
  }

  /** This binding's state in a cgroup, or {@code null}; lock-free. */
  @SuppressWarnings("unchecked") // only states made by this binding's createState are stored in its slot
  S stateIn(Cgroup cgroup) {
    return (S) cgroup.stateAt(slot);
  }

  /** Creates and onlines the state of one cgroup whose parent already has one; under the lock. */
  void createIn(Cgroup cgroup) {
    Cgroup parent = cgroup.parent();
    S parentState = parent == null ? null : stateIn(parent);
    S s = device.createState(cgroup, parentState);
    if (s == null) {
      throw new IllegalStateException("controller " + controller + " created a null state for " + cgroup);
    }
    cgroup.setState(slot, s);
    s.online();
  }

  /** Offlines this binding's state in a cgroup, if it has one; under the lock. */
  void offlineIn(Cgroup cgroup) {
    DeviceState s = cgroup.stateAt(slot);
    if (s != null) {
      Hooks.quietly(s::offline, "offline", s);
    }
  }

  /** Clears and frees this binding's state in a cgroup, if it has one; under the lock. */
  void freeIn(Cgroup cgroup) {
    DeviceState s = cgroup.stateAt(slot);
    if (s != null) {
      cgroup.setState(slot, null);
      Hooks.quietly(s::free, "free", s);
    }
  }

  @Override
  public String toString() {
    return controller.name() + "@" + registration.name() + "#" + slot;
  }
}
