package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.core.internal.guard.PluginGuard;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A registered device: its spec and one {@link StateSlot} per controller it named, in controller
 * order. {@link #unregister()} goes through the door the hierarchy gave it at registration.
 * Thread-safe: the slot list is fixed before the registration is published.
 */
public final class Registration implements DeviceRegistration {
  private final DeviceSpec spec;
  private final Consumer<Registration> unregister;
  private final PluginGuard guard;
  private List<StateSlot<?>> slots = List.of();
  private volatile boolean registered;

  /**
   * @param unregister what {@link #unregister()} runs: the hierarchy's unregister, under its lock
   * @param guard around the bindings' {@code capability}
   */
  Registration(DeviceSpec spec, Consumer<Registration> unregister, PluginGuard guard) {
    this.spec = spec;
    this.unregister = unregister;
    this.guard = guard;
  }

  @Override
  public DeviceSpec spec() {
    return spec;
  }

  @Override
  public String name() {
    return spec.name();
  }

  /** The controllers bound, in controller order: the spec's, less those that failed to bind. */
  @Override
  public Set<String> controllers() {
    Set<String> out = new LinkedHashSet<>();
    for (StateSlot<?> s : slots) {
      out.add(s.controller().name());
    }
    return java.util.Collections.unmodifiableSet(out);
  }

  @Override
  public boolean registered() {
    return registered;
  }

  void registered(boolean on) {
    registered = on;
  }

  /** The slots, one per controller bound, in controller index order. */
  public List<StateSlot<?>> slots() {
    return slots;
  }

  void slots(List<StateSlot<?>> s) {
    slots = List.copyOf(s);
  }

  /** The slot of a controller, or {@code null} if this device is not bound to it. */
  public StateSlot<?> slot(ControllerEntry<?> controller) {
    for (StateSlot<?> s : slots) {
      if (s.controller() == controller) {
        return s;
      }
    }
    return null;
  }

  /** True if a controller in the mask governs this device. */
  public boolean boundToAny(long controllerMask) {
    for (StateSlot<?> s : slots) {
      if ((controllerMask & s.controller().bit()) != 0) {
        return true;
      }
    }
    return false;
  }

  @Override
  public <T> Optional<T> capability(Class<T> type) {
    if (!registered) {
      throw CgroupException.of(Errno.ENODEV, "device %s is unregistered", spec.name());
    }
    for (StateSlot<?> s : slots) {
      Optional<T> c = guard.call(s.controller().plugin(), "capability(" + type.getName() + ") of device " + spec.name(),
          () -> s.binding().capability(type));
      if (c != null && c.isPresent()) {
        return c;
      }
    }
    return Optional.empty();
  }

  @Override
  public void unregister() {
    unregister.accept(this);
  }

  @Override
  public String toString() {
    return "device " + spec.name();
  }
}
