package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import java.util.List;
import java.util.Optional;

/**
 * A registered device: its spec and one {@link Binding} per controller it named, in controller
 * order. Thread-safe: the bindings list is fixed before the registration is published.
 */
public final class Registration implements DeviceRegistration {
  private final Hierarchy hierarchy;
  private final DeviceSpec spec;
  private List<Binding<?>> bindings = List.of();
  private volatile boolean registered;

  Registration(Hierarchy hierarchy, DeviceSpec spec) {
    this.hierarchy = hierarchy;
    this.spec = spec;
  }

  @Override
  public DeviceSpec spec() {
    return spec;
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public boolean registered() {
    return registered;
  }

  void registered(boolean on) {
    registered = on;
  }

  /** The bindings, in controller index order. */
  public List<Binding<?>> bindings() {
    return bindings;
  }

  void bindings(List<Binding<?>> b) {
    bindings = List.copyOf(b);
  }

  /** The binding to a controller, or {@code null} if this device is not bound to it. */
  public Binding<?> binding(ControllerEntry<?> controller) {
    for (Binding<?> b : bindings) {
      if (b.controller() == controller) {
        return b;
      }
    }
    return null;
  }

  /** True if a controller in the mask governs this device. */
  public boolean boundToAny(long controllerMask) {
    for (Binding<?> b : bindings) {
      if ((controllerMask & b.controller().bit()) != 0) {
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
    for (Binding<?> b : bindings) {
      Optional<T> c = b.device().capability(type);
      if (c.isPresent()) {
        return c;
      }
    }
    return Optional.empty();
  }

  @Override
  public void unregister() {
    hierarchy.unregister(this);
  }

  @Override
  public String toString() {
    return "device " + spec.name();
  }
}
