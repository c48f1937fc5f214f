package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DeviceState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registered devices and their per-cgroup states. A registration binds each controller it names
 * to a state slot (an index into every cgroup's state array), then creates and onlines a state in
 * every live cgroup, parents first; unregistering offlines and frees them children first (those of
 * dying cgroups too), then unbinds. A new cgroup gets a state for every binding.
 *
 * <p>{@link #all()} is an immutable snapshot read without a lock; every other method runs under the
 * hierarchy lock, and a failure leaves nothing behind.
 */
final class DeviceRegistry {
  private final Hierarchy hierarchy;
  private final DyingCgroups dying;
  private final IdPool slots = new IdPool();
  private int slotCapacity;
  private volatile Map<String, Registration> registrations = Map.of();

  DeviceRegistry(Hierarchy hierarchy, DyingCgroups dying) {
    this.hierarchy = hierarchy;
    this.dying = dying;
  }

  /** Registered devices by name (sorted); an immutable snapshot, lock-free. */
  Map<String, Registration> all() {
    return registrations;
  }

  /** How long a new cgroup's state array must be. */
  int slotCapacity() {
    return slotCapacity;
  }

  int slotsInUse() {
    return slots.inUse();
  }

  /** See {@link Hierarchy#register}. */
  Registration register(DeviceSpec spec) {
    if (registrations.containsKey(spec.name())) {
      throw CgroupException.of(Errno.EEXIST, "device %s is already registered", spec.name());
    }
    ControllerTable controllers = hierarchy.controllers();
    for (String n : spec.controllers().stream().sorted().toList()) {
      if (controllers.get(n) == null) {
        throw CgroupException.of(Errno.ENOENT, "device %s names controller '%s', which is not present (present: %s)",
            spec.name(), n, controllers.names());
      }
    }
    Registration reg = new Registration(hierarchy, spec);
    List<Binding<?>> bound = new ArrayList<>();
    try {
      for (ControllerEntry<?> e : controllers) {
        if (spec.controllers().contains(e.name())) {
          bound.add(bind(e, reg));
        }
      }
    } catch (RuntimeException e) {
      unbind(bound);
      throw e;
    }
    reg.bindings(bound);
    growSlots(slots.highWater());
    for (Binding<?> b : bound) {
      b.live(true);
    }
    try {
      for (Cgroup c : hierarchy.root().subtree()) {
        for (Binding<?> b : bound) {
          b.createIn(c);
        }
      }
    } catch (RuntimeException e) {
      teardown(reg);
      throw e;
    }
    reg.registered(true);
    publish(reg.name(), reg);
    return reg;
  }

  /** See {@link Hierarchy#unregister}. */
  void unregister(Registration reg) {
    if (!reg.registered() || registrations.get(reg.name()) != reg) {
      throw CgroupException.of(Errno.ENODEV, "device %s is not registered", reg.name());
    }
    for (Binding<?> b : reg.bindings()) {
      b.device().checkReleased();
    }
    reg.registered(false);
    publish(reg.name(), null);
    teardown(reg);
  }

  /** Creates and onlines the states of a new cgroup, one per binding; on a failure frees those made. */
  void createStates(Cgroup c) {
    List<Binding<?>> created = new ArrayList<>();
    try {
      for (Registration r : registrations.values()) {
        for (Binding<?> b : r.bindings()) {
          b.createIn(c);
          created.add(b);
        }
      }
    } catch (RuntimeException e) {
      for (Binding<?> b : created.reversed()) {
        b.offlineIn(c);
        b.freeIn(c);
      }
      throw e;
    }
  }

  private <S extends DeviceState> Binding<S> bind(ControllerEntry<S> e, Registration reg) {
    int slot = slots.allocate();
    Binding<S> b = new Binding<>(hierarchy, e, reg, slot);
    try {
      DeviceBinding<S> d = e.controller().bind(b);
      if (d == null) {
        throw CgroupException.of(Errno.EINVAL, "controller %s returned no binding for device %s", e, reg.name());
      }
      b.device(d);
      return b;
    } catch (RuntimeException ex) {
      slots.release(slot);
      throw ex;
    }
  }

  private void growSlots(int needed) {
    if (needed <= slotCapacity) {
      return;
    }
    int cap = Math.max(4, slotCapacity);
    while (cap < needed) {
      cap *= 2;
    }
    slotCapacity = cap;
    for (Cgroup c : hierarchy.root().subtree()) {
      c.ensureCapacity(cap);
    }
  }

  /** Offlines (live cgroups) and frees (live and dying cgroups) the registration's states, children first, then unbinds. */
  private void teardown(Registration reg) {
    List<Binding<?>> bindings = reg.bindings().reversed();
    List<Cgroup> live = hierarchy.root().subtree().reversed();
    for (Cgroup c : live) {
      for (Binding<?> b : bindings) {
        b.offlineIn(c);
      }
    }
    List<Cgroup> all = dying.childrenFirst();
    all.addAll(live);
    for (Cgroup c : all) {
      for (Binding<?> b : bindings) {
        b.freeIn(c);
      }
    }
    unbind(reg.bindings());
  }

  /** Unbinds the bindings, last first, and gives their slots back. */
  private void unbind(List<Binding<?>> bindings) {
    for (Binding<?> b : bindings.reversed()) {
      b.live(false);
      Hooks.quietly(() -> b.device().unbind(), "unbind", b);
      slots.release(b.slot());
    }
  }

  private void publish(String name, Registration reg) {
    Map<String, Registration> next = new TreeMap<>(registrations);
    if (reg == null) {
      next.remove(name);
    } else {
      next.put(name, reg);
    }
    registrations = Collections.unmodifiableMap(next);
  }
}
