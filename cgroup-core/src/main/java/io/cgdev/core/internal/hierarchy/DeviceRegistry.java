package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.core.internal.guard.Plugin;
import io.cgdev.core.internal.guard.PluginGuard;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The registered devices and their per-cgroup states. A registration binds each controller it names
 * to a {@link StateSlot} (an index into every cgroup's state array), then creates and onlines a
 * state in every live cgroup, parents first; unregistering offlines and frees them children first
 * (those of dying cgroups too), then unbinds. A new cgroup gets a state for every slot.
 *
 * <p>Plugin code runs on the {@link PluginGuard}. A controller whose {@code bind} or {@code
 * createState}/{@code online} fails with anything but a {@link CgroupException} (a fault: {@code
 * createState} must not throw) loses that binding only: its states made so far are undone, and the
 * device registers with the other controllers it named ({@link Registration#controllers()}); only
 * when none is left does the registration fail, with {@code EIO}. A {@link CgroupException} from
 * {@code bind} is the controller's refusal and fails the registration, as before.
 *
 * <p>It knows no hierarchy: each change is handed the tree it works on (the root, the dying
 * cgroups) by {@link Hierarchy}, which orchestrates. {@link #all()} is an immutable snapshot read
 * without a lock; every other method runs under the hierarchy lock, and a failure leaves nothing
 * behind.
 */
final class DeviceRegistry {
  private final ControllerTable controllers;
  private final PluginGuard guard;
  private final FileEvents fileEvents;
  private final IdPool slots = new IdPool();
  private int slotCapacity;
  private volatile Map<String, Registration> registrations = Map.of();

  DeviceRegistry(ControllerTable controllers, PluginGuard guard, FileEvents fileEvents) {
    this.controllers = controllers;
    this.guard = guard;
    this.fileEvents = fileEvents;
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

  /**
   * Registers a device in the tree below {@code root}; see {@link Hierarchy#register}.
   *
   * @param unregister what the registration's {@code unregister()} runs
   */
  Registration register(DeviceSpec spec, Cgroup root, Consumer<Registration> unregister) {
    if (registrations.containsKey(spec.name())) {
      throw CgroupException.of(Errno.EEXIST, "device %s is already registered", spec.name());
    }
    for (String n : spec.controllers().stream().sorted().toList()) {
      if (controllers.get(n) == null) {
        throw CgroupException.of(Errno.ENOENT, "device %s names controller '%s', which is not present (present: %s)",
            spec.name(), n, controllers.names());
      }
    }
    Registration reg = new Registration(spec, unregister, guard);
    List<StateSlot<?>> bound = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    try {
      for (ControllerEntry<?> e : controllers) {
        if (spec.controllers().contains(e.name())) {
          StateSlot<?> s = bind(e, reg, root, failed);
          if (s != null) {
            bound.add(s);
          }
        }
      }
    } catch (RuntimeException e) {
      unbind(bound);
      throw e;
    }
    List<Cgroup> parentsFirst = root.subtree();
    growSlots(slots.highWater(), parentsFirst);
    for (StateSlot<?> s : List.copyOf(bound)) {
      s.live(true);
      if (!createEverywhere(s, parentsFirst, failed)) {
        bound.remove(s);
      }
    }
    if (bound.isEmpty() && !failed.isEmpty()) {
      throw CgroupException.of(Errno.EIO, "cannot register device %s: every controller it names failed for it: %s",
          spec.name(), String.join("; ", failed));
    }
    reg.slots(bound);
    reg.registered(true);
    publish(reg.name(), reg);
    return reg;
  }

  /**
   * Unregisters a device: every binding's {@code checkReleased} first (a refusal changes nothing),
   * then the teardown over the live tree below {@code root} and the dying cgroups; see {@link
   * Hierarchy#unregister}.
   *
   * @param dyingChildrenFirst the removed cgroups that still hold states, children first
   */
  void unregister(Registration reg, Cgroup root, DyingCgroups dying) {
    if (!reg.registered() || registrations.get(reg.name()) != reg) {
      throw CgroupException.of(Errno.ENODEV, "device %s is not registered", reg.name());
    }
    for (StateSlot<?> s : reg.slots()) {
      // a fault refuses (EIO): a binding that cannot say whether charges are held keeps the device
      guard.run(s.controller().plugin(), "checkReleased of device " + reg.name(), () -> s.binding().checkReleased());
    }
    reg.registered(false);
    publish(reg.name(), null);
    for (DyingCgroups.Retired r : dying.takeRetired(reg.slots())) {
      guard.hook(r.slot().controller().plugin(), "free of retired state of device " + reg.name() + " in " + r.cgroup(),
          r.state()::free);
    }
    teardown(reg, root, dying.childrenFirst());
  }

  /**
   * Creates and onlines the states of a new cgroup, one per slot, devices by name; if one fails,
   * offlines and then frees those made, last first, and rethrows.
   */
  void createStates(Cgroup c) {
    List<StateSlot<?>> created = new ArrayList<>();
    try {
      for (Registration r : registrations.values()) {
        for (StateSlot<?> s : r.slots()) {
          createIn(s, c);
          created.add(s);
        }
      }
    } catch (RuntimeException e) {
      List<StateSlot<?>> lastFirst = created.reversed();
      for (StateSlot<?> s : lastFirst) {
        offlineIn(s, c);
      }
      for (StateSlot<?> s : lastFirst) {
        freeIn(s, c);
      }
      throw e;
    }
  }

  /**
   * Prepares the restart of the controllers in {@code disabled} below {@code parent}, whose {@code
   * cgroup.subtree_control} is about to disable them: the kernel kills those csses in the
   * descendants (offline, freed once their references drop) and makes new ones with default
   * settings when the controller is enabled again. Here a fresh state is created (not yet onlined
   * nor stored) now for every such slot in every live descendant, parents first, so that a plugin
   * failure refuses the write with nothing changed; the returned commit then offlines the old
   * states children first, stores and onlines the fresh ones parents first, and hands the old ones
   * to {@code dying}, which frees each once it has drained (charges still held are returned to the
   * state they were taken from). The fresh states are made at disable rather than at the next
   * enable because cgdev's cgroups always have a state per slot (a charge made while the controller
   * is hidden goes to the cgroup's own state, docs/CHARGING_POLICY.md); hidden, they cannot be
   * configured, so the next enable shows the defaults either way.
   *
   * @return what to run once the new mask is stored
   * @throws CgroupException {@code EIO} if a plugin fails to create a state (those made are freed)
   */
  Runnable prepareRestart(Cgroup parent, long disabled, DyingCgroups dying) {
    List<StateSlot<?>> slots = new ArrayList<>();
    for (Registration r : registrations.values()) {
      for (StateSlot<?> s : r.slots()) {
        if ((disabled & s.controller().bit()) != 0) {
          slots.add(s);
        }
      }
    }
    List<Cgroup> below = parent.subtree();
    below.remove(0);
    if (slots.isEmpty() || below.isEmpty()) {
      return () -> {};
    }
    List<Map<Cgroup, DeviceState>> fresh = new ArrayList<>();
    try {
      for (StateSlot<?> s : slots) {
        Map<Cgroup, DeviceState> made = new IdentityHashMap<>();
        fresh.add(made);
        for (Cgroup c : below) {
          DeviceState parentState = c.parent() == parent ? parent.stateAt(s.index()) : made.get(c.parent());
          made.put(c, createFresh(s, c, parentState));
        }
      }
    } catch (RuntimeException e) {
      for (int i = fresh.size() - 1; i >= 0; i--) {
        StateSlot<?> s = slots.get(i);
        for (Cgroup c : below.reversed()) {
          DeviceState st = fresh.get(i).get(c);
          if (st != null) {
            guard.hook(s.controller().plugin(), "free of device " + s.registration().name() + " in " + c, st::free);
          }
        }
      }
      throw e;
    }
    return () -> {
      for (Cgroup c : below.reversed()) {
        for (StateSlot<?> s : slots.reversed()) {
          offlineIn(s, c);
        }
      }
      for (Cgroup c : below) {
        for (int i = 0; i < slots.size(); i++) {
          StateSlot<?> s = slots.get(i);
          DeviceState old = c.stateAt(s.index());
          DeviceState st = fresh.get(i).get(c);
          c.setState(s.index(), st);
          guard.hook(s.controller().plugin(), "online of device " + s.registration().name() + " in " + c, st::online);
          inheritPressure(s, c, st);
          if (old != null) {
            dying.retire(c, s, old);
          }
        }
      }
    };
  }

  /** A new state for a slot in a cgroup, neither onlined nor stored. */
  private <S extends DeviceState> S createFresh(StateSlot<S> slot, Cgroup cgroup, DeviceState parentState) {
    @SuppressWarnings("unchecked") // the slot holds states made by this binding only
    S p = (S) parentState;
    Plugin who = slot.controller().plugin();
    String op = "createState of device " + slot.registration().name() + " in " + cgroup;
    S s = guard.call(who, op, () -> slot.binding().createState(cgroup, p));
    if (s == null) {
      throw guard.fault(who, op, new NullPointerException("createState returned null"));
    }
    return s;
  }

  /**
   * Binds one controller; a fault (not a {@link CgroupException}) is noted in {@code failed} and
   * gives {@code null}, a refusal propagates.
   */
  private <S extends DeviceState> StateSlot<S> bind(ControllerEntry<S> e, Registration reg, Cgroup root, List<String> failed) {
    int index = slots.allocate();
    StateSlot<S> s = new StateSlot<>(e, reg, root, index, (cgroup, slot, file) -> {
      if (!(cgroup instanceof Cgroup c)) {
        throw new IllegalArgumentException("not a cgroup of this hierarchy: " + cgroup);
      }
      fileEvents.notifyChange(c, slot, file);
    });
    String op = "bind of device " + reg.name();
    try {
      DeviceBinding<S> b = guard.call(e.plugin(), op, () -> e.controller().bind(s));
      if (b == null) {
        throw guard.fault(e.plugin(), op, new NullPointerException("bind returned null"));
      }
      s.binding(b);
      return s;
    } catch (CgroupException ex) {
      slots.release(index);
      if (ex.errno() != Errno.EIO) {
        throw ex;
      }
      failed.add(e.name() + ": " + ex.getMessage());
      return null;
    } catch (RuntimeException ex) {
      slots.release(index);
      throw ex;
    }
  }

  /**
   * Creates and onlines a new slot's state in every live cgroup, parents first. If the plugin fails in
   * one, the states made so far are offlined and freed children first, the binding is unbound and its
   * slot released; the failure is noted in {@code failed}.
   *
   * @return false if the binding failed and was undone
   */
  private boolean createEverywhere(StateSlot<?> s, List<Cgroup> parentsFirst, List<String> failed) {
    List<Cgroup> made = new ArrayList<>();
    try {
      for (Cgroup c : parentsFirst) {
        createIn(s, c);
        made.add(c);
      }
      return true;
    } catch (CgroupException ex) {
      List<Cgroup> childrenFirst = made.reversed();
      for (Cgroup c : childrenFirst) {
        offlineIn(s, c);
      }
      for (Cgroup c : childrenFirst) {
        freeIn(s, c);
      }
      unbind(List.of(s));
      failed.add(s.controller().name() + ": " + ex.getMessage());
      return false;
    }
  }

  private void growSlots(int needed, List<Cgroup> live) {
    if (needed <= slotCapacity) {
      return;
    }
    int cap = Math.max(4, slotCapacity);
    while (cap < needed) {
      cap *= 2;
    }
    slotCapacity = cap;
    for (Cgroup c : live) {
      c.ensureCapacity(cap);
    }
  }

  /**
   * Offlines the registration's states in the live cgroups, children first; frees them in the dying
   * cgroups and then the live ones, children first; then unbinds.
   */
  private void teardown(Registration reg, Cgroup root, List<Cgroup> dyingChildrenFirst) {
    List<StateSlot<?>> lastFirst = reg.slots().reversed();
    List<Cgroup> live = root.subtree().reversed();
    for (Cgroup c : live) {
      for (StateSlot<?> s : lastFirst) {
        offlineIn(s, c);
      }
    }
    List<Cgroup> all = new ArrayList<>(dyingChildrenFirst);
    all.addAll(live);
    for (Cgroup c : all) {
      for (StateSlot<?> s : lastFirst) {
        freeIn(s, c);
      }
    }
    unbind(reg.slots());
  }

  /** Unbinds, last first, and gives the slots back. */
  private void unbind(List<StateSlot<?>> bound) {
    for (StateSlot<?> s : bound.reversed()) {
      s.live(false);
      guard.hook(s.controller().plugin(), "unbind of device " + s.registration().name(), () -> s.binding().unbind());
      slots.release(s.index());
    }
  }

  /**
   * Creates and onlines a slot's state in one cgroup whose parent already has one.
   *
   * @throws CgroupException {@code EIO} if the plugin fails (a state it made but could not online is
   *     freed again and not stored)
   */
  private <S extends DeviceState> void createIn(StateSlot<S> slot, Cgroup cgroup) {
    Cgroup parent = cgroup.parent();
    @SuppressWarnings("unchecked") // the slot holds states made by this binding only
    S parentState = parent == null ? null : (S) parent.stateAt(slot.index());
    Plugin who = slot.controller().plugin();
    String op = "createState of device " + slot.registration().name() + " in " + cgroup;
    S s = guard.call(who, op, () -> slot.binding().createState(cgroup, parentState));
    if (s == null) {
      throw guard.fault(who, op, new NullPointerException("createState returned null"));
    }
    try {
      guard.run(who, "online of device " + slot.registration().name() + " in " + cgroup, s::online);
    } catch (CgroupException e) {
      guard.hook(who, "free of device " + slot.registration().name() + " in " + cgroup, s::free);
      throw e.errno() == Errno.EIO ? e : guard.fault(who, "online in " + cgroup, e);
    }
    cgroup.setState(slot.index(), s);
    inheritPressure(slot, cgroup, s);
  }

  /** Tells every state of {@code cgroup} that its {@code cgroup.pressure} is now {@code on}; under the lock. */
  void accountPressure(Cgroup cgroup, boolean on) {
    for (Registration r : registrations.values()) {
      for (StateSlot<?> s : r.slots()) {
        DeviceState st = cgroup.stateAt(s.index());
        if (st != null) {
          guard.hook(s.controller().plugin(), "cgroup.pressure of device " + r.name() + " in " + cgroup,
              () -> st.accountPressure(on));
        }
      }
    }
  }

  /** A state just onlined in a cgroup whose {@code cgroup.pressure} is 0 starts without pressure accounting. */
  private void inheritPressure(StateSlot<?> slot, Cgroup cgroup, DeviceState state) {
    if (!cgroup.pressureEnabled()) {
      guard.hook(slot.controller().plugin(), "cgroup.pressure of device " + slot.registration().name() + " in " + cgroup,
          () -> state.accountPressure(false));
    }
  }

  /** Offlines a slot's state in a cgroup, if it has one. */
  private void offlineIn(StateSlot<?> slot, Cgroup cgroup) {
    DeviceState s = cgroup.stateAt(slot.index());
    if (s != null) {
      guard.hook(slot.controller().plugin(), "offline of device " + slot.registration().name() + " in " + cgroup, s::offline);
    }
  }

  /** Clears and frees a slot's state in a cgroup, if it has one. */
  private void freeIn(StateSlot<?> slot, Cgroup cgroup) {
    DeviceState s = cgroup.stateAt(slot.index());
    if (s != null) {
      cgroup.setState(slot.index(), null);
      guard.hook(slot.controller().plugin(), "free of device " + slot.registration().name() + " in " + cgroup, s::free);
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
