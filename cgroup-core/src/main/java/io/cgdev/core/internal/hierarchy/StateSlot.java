package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.StateKey;

/**
 * The core's half of one controller bound to one registration (the plugin's half is its {@link
 * DeviceBinding}): the slot of every cgroup's state array that holds this pair's states. It is the
 * {@link StateKey} plugins look those states up with and the {@link BindContext} the controller's
 * {@code bind} was given. {@link #live()} turns false for good when the registration is torn down;
 * the slot's {@link #index()} may then be reused by another pair, which is why lookups check
 * liveness first.
 *
 * @param <S> the controller's state type
 */
public final class StateSlot<S extends DeviceState> implements StateKey<S>, BindContext<S> {
  private final ControllerEntry<S> controller;
  private final DeviceRegistration registration;
  private final CgroupHandle root;
  private final int index;
  private final Notifier notifier;
  private DeviceBinding<S> binding;
  private volatile boolean live;

  StateSlot(ControllerEntry<S> controller, DeviceRegistration registration, CgroupHandle root, int index,
      Notifier notifier) {
    this.controller = controller;
    this.registration = registration;
    this.root = root;
    this.index = index;
    this.notifier = notifier;
  }

  /**
   * Where a slot's file changes go (the hierarchy's file events); a function, so that the slot needs
   * neither the cgroup class nor the events (no class circle). Throws {@link IllegalArgumentException}
   * for a handle of another hierarchy.
   */
  @FunctionalInterface
  interface Notifier {
    void changed(CgroupHandle cgroup, StateSlot<?> slot, String fullName);
  }

  @Override
  public DeviceRegistration registration() {
    return registration;
  }

  @Override
  public StateKey<S> key() {
    return this;
  }

  @Override
  public CgroupHandle root() {
    return root;
  }

  @Override
  public void notifyChange(CgroupHandle cgroup, String file) {
    String full = controller.deviceFileName(file);
    if (full == null) {
      throw new IllegalArgumentException("controller " + controller.name() + " declares no device file '" + file + "'");
    }
    notifier.changed(cgroup, this, full);
  }

  public ControllerEntry<S> controller() {
    return controller;
  }

  /** The index into every cgroup's state array. */
  public int index() {
    return index;
  }

  public boolean live() {
    return live;
  }

  void live(boolean on) {
    live = on;
  }

  /** What the controller's {@code bind} returned: the plugin's half. */
  public DeviceBinding<S> binding() {
    return binding;
  }

  void binding(DeviceBinding<S> b) {
    binding = b;
  }

  @Override
  public String toString() {
    return controller.name() + "@" + registration.name() + "#" + index;
  }
}
