package io.cgdev.testkit;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import io.cgdev.api.Task;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.core.internal.hierarchy.Cgroup;
import io.cgdev.core.internal.hierarchy.ControllerEntry;
import io.cgdev.core.internal.hierarchy.Hierarchy;
import io.cgdev.core.internal.hierarchy.Registration;
import io.cgdev.core.internal.hierarchy.StateSlot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The core's cgroup hierarchy for a plugin's unit tests: the real tree, registration, dying cgroups
 * and migration of cgroup-core, driven directly instead of through the file view. Every call into a
 * plugin ({@code bind}, {@code createState}, {@code online}, {@code offline}, {@code free}, {@code
 * checkReleased}, {@code unbind}, the attach hooks) is the core's own, in the core's order.
 *
 * <p>The controllers are fixed when the tree is made, as at boot: those given to {@link
 * #TestCgroups(Controller[])}, or, for {@link #TestCgroups()}, the controller of the first {@link
 * #bind} (or none, if a cgroup is made first).
 *
 * <p>What a test does not get: the file view (files are read and written through {@link
 * TestBinding}, which checks what the file view checks), plugin discovery, and {@code
 * cgroup.subtree_control}: no controller is enabled, so every non-root cgroup may hold tasks, and
 * every device file is reachable in every cgroup it {@link io.cgdev.api.spi.CgroupFile#appearsOn
 * appears on}. A hook that throws where the SPI forbids it is logged and ignored, as in production.
 *
 * <p>Thread-safe. Structural calls and file writes take the hierarchy lock; lookups ({@link
 * #cgroup}, {@link #cgroups()}, {@link #root()}) and file reads take none, so they may be called
 * while a test holds a lock of the plugin's own.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class TestCgroups {
  private final List<Controller<?>> given;
  private volatile Hierarchy hierarchy;

  /** A tree whose controllers are fixed by the first {@link #bind}: that call's controller. */
  public TestCgroups() {
    this.given = List.of();
  }

  /**
   * A tree with these controllers (one instance per name).
   *
   * @throws IllegalArgumentException for two controllers of one name, or a controller whose name or
   *     file table the core refuses
   */
  public TestCgroups(Controller<?>... controllers) {
    this.given = List.of(controllers);
    hierarchy(given);
  }

  // ---------------------------------------------------------------- lookups (lock-free)

  /** The root cgroup. */
  public CgroupHandle root() {
    return hierarchy().root();
  }

  /**
   * The live cgroup at a path.
   *
   * @throws CgroupException {@code ENOENT} if there is none, {@code EINVAL} for a path {@link
   *     CgroupPath#parse} refuses
   */
  public CgroupHandle cgroup(String path) {
    return cgroup(CgroupPath.parse(path));
  }

  /** The live cgroup at a path; {@code ENOENT} if there is none. */
  public CgroupHandle cgroup(CgroupPath path) {
    return hierarchy().require(path);
  }

  /** The live cgroups, parents first (each before its children, siblings by name); weakly consistent. */
  public List<CgroupHandle> cgroups() {
    List<CgroupHandle> out = new ArrayList<>();
    List<Cgroup> stack = new ArrayList<>(List.of(hierarchy().root()));
    while (!stack.isEmpty()) {
      Cgroup c = stack.removeLast();
      out.add(c);
      stack.addAll(new ArrayList<>(c.children()).reversed()); // popped last first: siblings by name
    }
    return out;
  }

  /** Names of the registered devices, sorted. */
  public Set<String> devices() {
    return hierarchy().registrations().keySet();
  }

  // ---------------------------------------------------------------- mkdir / rmdir

  /**
   * Creates a cgroup whose parent exists, with a state for every registered device.
   *
   * @throws CgroupException {@code ENOENT} if the parent does not exist, {@code EEXIST} if the
   *     cgroup (or, for {@code /}, the root) does, {@code EINVAL} for a path {@link CgroupPath#parse}
   *     refuses
   */
  public CgroupHandle mkdir(String path) {
    CgroupPath p = CgroupPath.parse(path);
    if (p.isRoot()) {
      throw new CgroupException(Errno.EEXIST, "cannot create /: the root always exists");
    }
    Hierarchy h = hierarchy();
    return h.locked(() -> h.mkdir(h.require(p.parent()), p.name()));
  }

  /** Creates {@code path} and any missing ancestor; returns the existing cgroup if there is one. */
  public CgroupHandle mkdirs(String path) {
    CgroupPath p = CgroupPath.parse(path);
    Hierarchy h = hierarchy();
    return h.locked(() -> {
      Cgroup c = h.root();
      for (String name : p.names()) {
        Cgroup next = c.child(name);
        c = next != null ? next : h.mkdir(c, name);
      }
      return c;
    });
  }

  /**
   * Creates a child cgroup, with a state for every registered device (devices by name, each
   * onlined once made); if one fails, those made are offlined and freed, and nothing changes.
   *
   * @throws CgroupException {@code ENOENT} if the parent was removed, {@code EEXIST} if the child
   *     exists, {@code EINVAL} for a name {@link CgroupPath} refuses
   */
  public CgroupHandle mkdir(CgroupHandle parent, String name) {
    return hierarchy().mkdir(own(parent), name);
  }

  /** Removes the live cgroup at {@code path}; see {@link #rmdir(CgroupHandle)}. */
  public void rmdir(String path) {
    Hierarchy h = hierarchy();
    h.locked(() -> h.rmdir(h.require(CgroupPath.parse(path))));
  }

  /**
   * Removes a cgroup: it goes offline and its states are offlined; they are freed at once if all are
   * drained, else the cgroup is dying until a later call finds them drained. Its id is reused only
   * after it is freed.
   *
   * @throws CgroupException {@code EBUSY} for the root, a cgroup with live children or with tasks;
   *     {@code ENOENT} if already removed
   */
  public void rmdir(CgroupHandle cgroup) {
    hierarchy().rmdir(own(cgroup));
  }

  /**
   * Frees the dying cgroups whose states have drained and that have no dying child, as the core
   * does when {@code cgroup.stat} is read or a structural call begins; call it after a test drained a
   * state (e.g. uncharged) to see the cgroup go.
   *
   * @return how many cgroups are still dying
   */
  public int reap() {
    Hierarchy h = hierarchy();
    return h.locked(() -> h.root().nrDyingDescendants());
  }

  // ---------------------------------------------------------------- devices

  /**
   * Registers a device, as the core does when a driver registers it: every controller the spec
   * names binds it ({@code bind}, in name order), then every live cgroup gets a state per controller,
   * parents first, each onlined once made. Returns the binding of {@code controller}; {@link
   * TestBinding#of} gives the others.
   *
   * @throws CgroupException what a {@code bind} throws (e.g. {@code EINVAL} when the device offers
   *     nothing the controller governs; nothing changes then), {@code EEXIST} if a device of that
   *     name is registered
   * @throws IllegalArgumentException if the spec does not name {@code controller}, or names a
   *     controller this tree does not have
   */
  public <S extends DeviceState> TestBinding<S> bind(Controller<S> controller, DeviceSpec spec) {
    Objects.requireNonNull(controller, "controller");
    Objects.requireNonNull(spec, "spec");
    if (!spec.controllers().contains(controller.name())) {
      throw new IllegalArgumentException("device " + spec.name() + " names controllers " + spec.controllers()
          + ", not " + controller.name() + ": add it with DeviceSpec.Builder.controllers");
    }
    Hierarchy h = hierarchy(given.isEmpty() ? List.of(controller) : given);
    entry(h, controller);
    for (String name : spec.controllers()) {
      if (h.controllers().get(name) == null) {
        throw new IllegalArgumentException("device " + spec.name() + " names controller " + name
            + ", which this tree does not have (it has " + h.controllers().names() + "): pass every controller to new TestCgroups(...)");
      }
    }
    return new TestBinding<>(this, h.register(spec), controller);
  }

  // ---------------------------------------------------------------- tasks

  /**
   * Starts a modelled task in a live cgroup, with the next pid (from 1). No attach hook runs, as in
   * the core.
   *
   * @throws CgroupException {@code ENOENT} if the cgroup was removed
   */
  public Task spawn(String name, CgroupHandle cgroup) {
    return hierarchy().spawn(name, own(cgroup));
  }

  /** Ends a task: it leaves its cgroup; {@code ESRCH} if it already exited. */
  public void exit(Task task) {
    hierarchy().exit(task.pid());
  }

  /**
   * Moves a task, in two phases as the core does: {@code canAttach} of every controller of the tree,
   * by name; if one refuses, {@code cancelAttach} of those that accepted, last first, and the refusal
   * is thrown, nothing moved; else the task moves and {@code attach} of every controller runs. Moving
   * a task to the cgroup it is in does nothing.
   *
   * @throws CgroupException the controller's refusal (e.g. {@code ENOSPC}), {@code ESRCH} for an
   *     exited task, {@code ENOENT} if {@code to} was removed
   */
  public void migrate(Task task, CgroupHandle to) {
    hierarchy().migrate(task.pid(), own(to));
  }

  // ---------------------------------------------------------------- the hierarchy lock

  /**
   * Runs {@code action} under the hierarchy lock, as the core runs structural calls and file writes;
   * for tests that call a plugin's lock-requiring method directly (e.g. {@code
   * binding().checkReleased()}).
   */
  public void locked(Runnable action) {
    hierarchy().locked(action);
  }

  /** Runs {@code action} under the hierarchy lock and returns its result; see {@link #locked(Runnable)}. */
  public <T> T locked(Supplier<T> action) {
    return hierarchy().locked(action);
  }

  /** True if the current thread holds the hierarchy lock; for plugins' assertions in tests. */
  public boolean holdsLock() {
    return hierarchy().heldByCurrentThread();
  }

  // ---------------------------------------------------------------- internals

  /** The controller's entry in the tree. @throws IllegalArgumentException if the tree has another or none */
  @SuppressWarnings("unchecked") // the entry was made from this very controller instance
  static <S extends DeviceState> ControllerEntry<S> entry(Hierarchy h, Controller<S> controller) {
    ControllerEntry<?> e = h.controllers().get(controller.name());
    if (e == null || e.controller() != controller) {
      throw new IllegalArgumentException("controller " + controller.name() + " (" + controller.getClass().getName()
          + ") is not a controller of this tree (it has " + h.controllers().names()
          + "): pass the same instance, and every controller to new TestCgroups(...)");
    }
    return (ControllerEntry<S>) e;
  }

  /** The slot of a controller in a registration. */
  @SuppressWarnings("unchecked") // a controller's slot holds that controller's states
  static <S extends DeviceState> StateSlot<S> slot(Hierarchy h, Registration reg, Controller<S> controller) {
    StateSlot<?> s = reg.slot(entry(h, controller));
    if (s == null) {
      throw new IllegalArgumentException("device " + reg.name() + " is not bound to controller " + controller.name());
    }
    return (StateSlot<S>) s;
  }

  Hierarchy hierarchy() {
    Hierarchy h = hierarchy;
    return h != null ? h : hierarchy(given);
  }

  /** The hierarchy, made with {@code controllers} if it does not exist yet. */
  private synchronized Hierarchy hierarchy(List<Controller<?>> controllers) {
    if (hierarchy == null) {
      List<Controller<?>> sorted = new ArrayList<>(controllers);
      sorted.sort(Comparator.comparing(Controller::name));
      List<ControllerEntry<?>> entries = new ArrayList<>();
      for (Controller<?> c : sorted) {
        ControllerEntry.checkName(c.name(), c.getClass());
        if (!entries.isEmpty() && entries.getLast().name().equals(c.name())) {
          throw new IllegalArgumentException("two controllers are named " + c.name());
        }
        entries.add(ControllerEntry.of(c, entries.size()));
      }
      hierarchy = new Hierarchy(entries, false);
    }
    return hierarchy;
  }

  /** A cgroup of this tree. @throws IllegalArgumentException for a handle of another tree */
  private Cgroup own(CgroupHandle handle) {
    CgroupHandle top = handle;
    while (top != null && top.parent() != null) {
      top = top.parent();
    }
    if (!(handle instanceof Cgroup c) || top != hierarchy().root()) {
      throw new IllegalArgumentException("cgroup " + handle + " is not a cgroup of this TestCgroups");
    }
    return c;
  }
}
