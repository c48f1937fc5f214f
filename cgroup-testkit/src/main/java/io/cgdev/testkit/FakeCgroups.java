package io.cgdev.testkit;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.Migration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A stand-in for the core in a plugin's unit tests: a cgroup tree ({@link FakeCgroup} handles) with
 * mkdir and rmdir, the devices bound to controllers in it ({@link FakeRegistration}), and task
 * migration through the controllers' attach hooks. It calls a plugin exactly where and in the order
 * the core does, so a test drives a {@link DeviceBinding} as it will run:
 *
 * <ul>
 *   <li>{@link #bind}: {@link Controller#bind}, then a state per live cgroup, parents first, each
 *       onlined once made; {@link #mkdir}: a state per bound registration, in bind order.
 *   <li>{@link #rmdir}: the states are offlined; they are freed at once if every one reports {@link
 *       DeviceState#drained()}, else the cgroup is dying until {@link #reap} finds them drained
 *       (children before parents). Every structural call reaps.
 *   <li>{@link #unregister}: {@code checkReleased} of every binding of the device (a refusal changes
 *       nothing), then states offlined children first, freed children first (dying cgroups too), and
 *       the bindings unbound, last bound first. The state key answers until the unbind, {@code ENODEV}
 *       after.
 *   <li>{@link #migrate}: {@code canAttach} of every bound controller, {@code cancelAttach} of those
 *       that accepted when one refuses, else {@code attach} of all.
 * </ul>
 *
 * <p>What it leaves out: {@code cgroup.subtree_control} (every bound controller's files are present
 * in every cgroup), the core's own files, limits on depth and descendants, delegation and the
 * no-internal-process rule.
 *
 * <p>Threading: structural calls and file writes are serialised by one lock, the hierarchy lock of
 * the SPI; lookups ({@link #cgroup}, {@link #cgroups()}, {@link #root()}) and file reads take no lock,
 * so they may be called while a test holds a lock of the plugin's own. A hook that breaks the SPI's
 * "must not throw" rule (createState returning null, offline, free, unbind throwing) fails the call
 * with {@link IllegalStateException}.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class FakeCgroups {
  private final ReentrantLock lock = new ReentrantLock();
  private final BitSet ids = new BitSet();
  private final BitSet slots = new BitSet();
  private final FakeCgroup root;
  /** Live cgroups by path, in creation order (so parents before children); replaced, never changed. */
  private volatile Map<CgroupPath, FakeCgroup> live;
  /** Removed cgroups whose states have not drained yet; lock only. */
  private final List<FakeCgroup> dying = new ArrayList<>();
  private volatile List<FakeCgroup> dyingView = List.of();
  /** Live registrations in bind order; replaced, never changed. */
  private volatile List<FakeRegistration<?>> registrations = List.of();
  private final Map<Integer, FakeTask> tasks = new LinkedHashMap<>();
  private int nextPid = 1;

  /** A tree holding only the root cgroup, and no device. */
  public FakeCgroups() {
    ids.set(0);
    root = new FakeCgroup(this, null, CgroupPath.root(), 0, 4);
    Map<CgroupPath, FakeCgroup> m = new LinkedHashMap<>();
    m.put(root.path(), root);
    live = Collections.unmodifiableMap(m);
  }

  // ---------------------------------------------------------------- lookups (lock-free)

  /** The root cgroup. */
  public FakeCgroup root() {
    return root;
  }

  /**
   * The live cgroup at a path.
   *
   * @throws CgroupException {@code ENOENT} if there is none, {@code EINVAL} for a path {@link
   *     CgroupPath#parse} refuses
   */
  public FakeCgroup cgroup(String path) {
    return cgroup(CgroupPath.parse(path));
  }

  /** The live cgroup at a path; {@code ENOENT} if there is none. */
  public FakeCgroup cgroup(CgroupPath path) {
    FakeCgroup c = live.get(path);
    if (c == null) {
      throw CgroupException.of(Errno.ENOENT, "no cgroup %s", path);
    }
    return c;
  }

  /** The live cgroups, parents before children (creation order); a snapshot. */
  public List<FakeCgroup> cgroups() {
    return List.copyOf(live.values());
  }

  /** The removed cgroups still dying (a state not drained), children first; a snapshot. */
  public List<FakeCgroup> dying() {
    return dyingView;
  }

  /** The live registrations, in bind order; a snapshot. */
  public List<FakeRegistration<?>> registrations() {
    return registrations;
  }

  // ---------------------------------------------------------------- mkdir / rmdir

  /**
   * Creates a cgroup whose parent exists, with a state for every bound registration.
   *
   * @throws CgroupException {@code ENOENT} if the parent does not exist, {@code EEXIST} if the
   *     cgroup (or, for {@code /}, the root) does, {@code EINVAL} for a path {@link CgroupPath#parse}
   *     refuses
   */
  public FakeCgroup mkdir(String path) {
    CgroupPath p = CgroupPath.parse(path);
    if (p.isRoot()) {
      throw new CgroupException(Errno.EEXIST, "cannot create /: the root always exists");
    }
    return locked(() -> mkdir(cgroup(p.parent()), p.name()));
  }

  /** Creates {@code path} and any missing ancestor; returns the existing cgroup if there is one. */
  public FakeCgroup mkdirs(String path) {
    CgroupPath p = CgroupPath.parse(path);
    return locked(() -> {
      FakeCgroup c = root;
      for (String name : p.names()) {
        FakeCgroup next = live.get(c.path().child(name));
        c = next != null ? next : mkdir(c, name);
      }
      return c;
    });
  }

  /**
   * Creates a child cgroup and a state in it for every bound registration (in bind order), each
   * onlined once made. If a controller fails, the states made are offlined and freed, and nothing
   * changes.
   *
   * @throws CgroupException {@code ENOENT} if the parent was removed, {@code EEXIST} if the child
   *     exists, {@code EINVAL} for a name {@link CgroupPath} refuses
   */
  public FakeCgroup mkdir(CgroupHandle parent, String name) {
    return locked(() -> {
      FakeCgroup p = own(parent);
      if (!p.online()) {
        throw CgroupException.of(Errno.ENOENT, "cannot create %s/%s: %s was removed", p.isRoot() ? "" : p, name, p);
      }
      CgroupPath path = p.path().child(name);
      if (live.containsKey(path)) {
        throw CgroupException.of(Errno.EEXIST, "cannot create %s: it exists", path);
      }
      int id = ids.nextClearBit(0);
      FakeCgroup c = new FakeCgroup(this, p, path, id, Math.max(4, slots.length()));
      List<FakeRegistration<?>> made = new ArrayList<>();
      try {
        for (FakeRegistration<?> r : registrations) {
          r.createIn(c);
          made.add(r);
        }
      } catch (RuntimeException e) {
        Hooks hooks = new Hooks();
        for (FakeRegistration<?> r : made.reversed()) {
          hooks.offline(r.stateIn(c));
        }
        for (FakeRegistration<?> r : made.reversed()) {
          DeviceState s = r.stateIn(c);
          c.setState(r.fakeKey().slot(), null);
          hooks.free(s);
        }
        hooks.addTo(e);
        throw e;
      }
      ids.set(id);
      p.children++;
      Map<CgroupPath, FakeCgroup> m = new LinkedHashMap<>(live);
      m.put(path, c);
      live = Collections.unmodifiableMap(m);
      return c;
    });
  }

  /** Removes the live cgroup at {@code path}; see {@link #rmdir(CgroupHandle)}. */
  public void rmdir(String path) {
    rmdir(cgroup(path));
  }

  /**
   * Removes a cgroup: its handle goes offline and its states are offlined (highest slot first); they
   * are freed at once if all are drained and no child of it is dying, else the cgroup is dying
   * until {@link #reap} frees it. Its id is reused only after it is freed.
   *
   * @throws CgroupException {@code EBUSY} for the root, a cgroup with live children or with tasks;
   *     {@code ENOENT} if already removed
   * @throws IllegalStateException if a state's {@code offline} or {@code free} threw
   */
  public void rmdir(CgroupHandle cgroup) {
    locked(() -> {
      FakeCgroup c = own(cgroup);
      if (c.isRoot()) {
        throw new CgroupException(Errno.EBUSY, "cannot remove /: the root cgroup cannot be removed");
      }
      if (!c.online()) {
        throw CgroupException.of(Errno.ENOENT, "cannot remove %s: already removed", c);
      }
      if (c.children > 0) {
        throw CgroupException.of(Errno.EBUSY, "cannot remove %s: it has %d child cgroup%s", c, c.children,
            c.children == 1 ? "" : "s");
      }
      long n = tasks.values().stream().filter(t -> t.cgroup().equals(c.path())).count();
      if (n > 0) {
        throw CgroupException.of(Errno.EBUSY, "cannot remove %s: it has %d task%s", c, n, n == 1 ? "" : "s");
      }
      c.offlineHandle();
      c.parent().children--;
      Map<CgroupPath, FakeCgroup> m = new LinkedHashMap<>(live);
      m.remove(c.path());
      live = Collections.unmodifiableMap(m);
      Hooks hooks = new Hooks();
      for (int slot = c.slotCount() - 1; slot >= 0; slot--) {
        hooks.offline(c.stateAt(slot));
      }
      dying.add(c);
      reapLocked(hooks);
      hooks.check("rmdir " + c);
    });
  }

  /**
   * Frees the dying cgroups whose states have all drained and that have no dying child, children
   * first; the core polls the same way. Structural calls reap on their own; call this after a test
   * drained a state (e.g. uncharged) to see the cgroup go.
   *
   * @return how many cgroups are still dying
   */
  public int reap() {
    return locked(() -> {
      Hooks hooks = new Hooks();
      reapLocked(hooks);
      hooks.check("reap");
      return dying.size();
    });
  }

  // ---------------------------------------------------------------- devices

  /**
   * Binds a device to a controller, as the core does when a driver registers it: {@link
   * Controller#bind} with a fresh {@link io.cgdev.api.spi.BindContext}, then a state in every live
   * cgroup, parents first, each onlined once made. The same device may be bound to several
   * controllers (one call each, with the same spec); {@link FakeRegistration#capability} then finds
   * the capabilities of all of them, and unregistering any of them unregisters the device.
   *
   * @throws CgroupException what {@code bind} throws (e.g. {@code EINVAL} when the device offers
   *     nothing the controller governs; nothing changes then); {@code EEXIST} if a device of that name
   *     is bound with another spec or already to this controller
   * @throws IllegalArgumentException if {@code spec} does not name the controller
   */
  public <S extends DeviceState> FakeRegistration<S> bind(Controller<S> controller, DeviceSpec spec) {
    Objects.requireNonNull(controller, "controller");
    Objects.requireNonNull(spec, "spec");
    if (!spec.controllers().contains(controller.name())) {
      throw new IllegalArgumentException("device " + spec.name() + " names controllers " + spec.controllers()
          + ", not " + controller.name() + ": add it with DeviceSpec.Builder.controllers");
    }
    return locked(() -> {
      for (FakeRegistration<?> r : device(spec.name())) {
        if (!r.spec().equals(spec)) {
          throw CgroupException.of(Errno.EEXIST, "device %s is already registered with another spec", spec.name());
        }
        if (r.controller().name().equals(controller.name())) {
          throw CgroupException.of(Errno.EEXIST, "device %s is already bound to controller %s", spec.name(),
              controller.name());
        }
      }
      int slot = slots.nextClearBit(0);
      FakeRegistration<S> reg = new FakeRegistration<>(this, controller, spec, slot);
      DeviceBinding<S> binding = controller.bind(reg.context());
      if (binding == null) {
        throw new IllegalStateException("controller " + controller.name() + " returned no binding for " + spec.name());
      }
      slots.set(slot);
      reg.binding(binding);
      reg.live(true);
      List<FakeRegistration<?>> regs = new ArrayList<>(registrations);
      regs.add(reg);
      registrations = List.copyOf(regs);
      try {
        for (FakeCgroup c : live.values()) {
          reg.createIn(c);
        }
      } catch (RuntimeException e) {
        Hooks hooks = new Hooks();
        teardown(List.of(reg), hooks);
        hooks.addTo(e);
        throw e;
      }
      reg.registered(true);
      return reg;
    });
  }

  /**
   * Unregisters the device of a registration; see {@link FakeRegistration#unregister}.
   *
   * @throws CgroupException {@code EBUSY} from a binding's {@code checkReleased} (nothing changes),
   *     {@code ENODEV} if it is not registered
   */
  public void unregister(FakeRegistration<?> registration) {
    locked(() -> {
      if (registration.owner() != this || !registration.registered()) {
        throw CgroupException.of(Errno.ENODEV, "device %s is not registered here", registration.name());
      }
      List<FakeRegistration<?>> device = device(registration.name());
      for (FakeRegistration<?> r : device) {
        r.binding().checkReleased();
      }
      for (FakeRegistration<?> r : device) {
        r.registered(false);
      }
      Hooks hooks = new Hooks();
      teardown(device, hooks);
      hooks.check("unregister " + registration.name());
    });
  }

  // ---------------------------------------------------------------- tasks

  /**
   * Starts a modelled task in a live cgroup, with the next pid (from 1). No attach hook runs, as in
   * the core.
   *
   * @throws CgroupException {@code ENOENT} if the cgroup was removed
   */
  public FakeTask spawn(String name, CgroupHandle cgroup) {
    return locked(() -> {
      FakeCgroup c = own(cgroup);
      if (!c.online()) {
        throw CgroupException.of(Errno.ENOENT, "cannot start %s in %s: the cgroup was removed", name, c);
      }
      FakeTask t = new FakeTask(nextPid++, name, c.path());
      tasks.put(t.pid(), t);
      return t;
    });
  }

  /** Ends a task: it leaves its cgroup; {@code ESRCH} if it already exited. */
  public void exit(FakeTask task) {
    locked(() -> {
      if (tasks.remove(task.pid()) != task) {
        throw CgroupException.of(Errno.ESRCH, "no task with pid %d", task.pid());
      }
      task.exited();
    });
  }

  /**
   * Moves a task, in two phases as the core does: {@link Controller#canAttach} of every bound
   * controller (each controller once, in bind order); if one refuses, {@link
   * Controller#cancelAttach} of those that accepted (last first) and the refusal is thrown, nothing
   * moved; else {@link Controller#attach} of all and the task is in {@code to}. Moving a task to the
   * cgroup it is in does nothing.
   *
   * @throws CgroupException the controller's refusal (e.g. {@code ENOSPC}), {@code ESRCH} for an
   *     exited task, {@code ENOENT} if {@code to} was removed
   */
  public void migrate(FakeTask task, CgroupHandle to) {
    locked(() -> {
      if (tasks.get(task.pid()) != task) {
        throw CgroupException.of(Errno.ESRCH, "cannot move pid %d to %s: no such task", task.pid(), to);
      }
      FakeCgroup dest = own(to);
      if (!dest.online()) {
        throw CgroupException.of(Errno.ENOENT, "cannot move pid %d to %s: the cgroup was removed", task.pid(), to);
      }
      FakeCgroup from = cgroup(task.cgroup());
      if (from == dest) {
        return;
      }
      Migration m = new Migration(task, from, dest);
      List<Controller<?>> accepted = new ArrayList<>();
      for (Controller<?> c : controllers()) {
        try {
          c.canAttach(m);
        } catch (RuntimeException e) {
          for (Controller<?> a : accepted.reversed()) {
            a.cancelAttach(m);
          }
          throw e;
        }
        accepted.add(c);
      }
      for (Controller<?> c : accepted) {
        c.attach(m);
      }
      task.moveTo(dest.path());
    });
  }

  // ---------------------------------------------------------------- the hierarchy lock

  /**
   * Runs {@code action} under the hierarchy lock, as the core runs structural calls and file writes;
   * for tests that call a plugin's lock-requiring method directly (e.g. {@code
   * binding().checkReleased()}). Dying cgroups are reaped after it.
   */
  public void locked(Runnable action) {
    locked(() -> {
      action.run();
      return null;
    });
  }

  /** Runs {@code action} under the hierarchy lock and returns its result; see {@link #locked(Runnable)}. */
  public <T> T locked(Supplier<T> action) {
    lock.lock();
    try {
      T result = action.get();
      if (!dying.isEmpty()) {
        Hooks hooks = new Hooks();
        reapLocked(hooks);
        hooks.check("reap");
      }
      return result;
    } finally {
      lock.unlock();
    }
  }

  /** True if the current thread holds the hierarchy lock; for plugins' assertions in tests. */
  public boolean holdsLock() {
    return lock.isHeldByCurrentThread();
  }

  // ---------------------------------------------------------------- internals

  /** The live registrations of one device, in bind order. */
  List<FakeRegistration<?>> device(String name) {
    List<FakeRegistration<?>> out = new ArrayList<>();
    for (FakeRegistration<?> r : registrations) {
      if (r.name().equals(name)) {
        out.add(r);
      }
    }
    return out;
  }

  private List<Controller<?>> controllers() {
    Set<Controller<?>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Controller<?>> out = new ArrayList<>();
    for (FakeRegistration<?> r : registrations) {
      if (seen.add(r.controller())) {
        out.add(r.controller());
      }
    }
    return out;
  }

  private FakeCgroup own(CgroupHandle handle) {
    if (!(handle instanceof FakeCgroup c) || !c.ownedBy(this)) {
      throw new IllegalArgumentException("cgroup " + handle + " is not a cgroup of this FakeCgroups");
    }
    return c;
  }

  /** Offlines and frees the registrations' states (live cgroups and dying ones), children first, then unbinds. */
  private void teardown(List<FakeRegistration<?>> regs, Hooks hooks) {
    List<FakeRegistration<?>> last = regs.reversed();
    List<FakeCgroup> liveChildrenFirst = new ArrayList<>(live.values());
    liveChildrenFirst.sort(CHILDREN_FIRST);
    for (FakeCgroup c : liveChildrenFirst) {
      for (FakeRegistration<?> r : last) {
        hooks.offline(r.stateIn(c));
      }
    }
    List<FakeCgroup> all = new ArrayList<>(dying);
    all.addAll(liveChildrenFirst);
    all.sort(CHILDREN_FIRST);
    for (FakeCgroup c : all) {
      for (FakeRegistration<?> r : last) {
        DeviceState s = r.stateIn(c);
        if (s != null) {
          c.setState(r.fakeKey().slot(), null);
          hooks.free(s);
        }
      }
    }
    List<FakeRegistration<?>> regsLeft = new ArrayList<>(registrations);
    for (FakeRegistration<?> r : last) {
      r.live(false);
      regsLeft.remove(r);
      hooks.run(() -> r.binding().unbind(), "unbind of " + r);
      slots.clear(r.fakeKey().slot());
    }
    registrations = List.copyOf(regsLeft);
  }

  private static final Comparator<FakeCgroup> CHILDREN_FIRST =
      Comparator.comparingInt(FakeCgroup::level).reversed();

  private void reapLocked(Hooks hooks) {
    dying.sort(CHILDREN_FIRST);
    for (var it = dying.iterator(); it.hasNext(); ) {
      FakeCgroup c = it.next();
      if (c.statesDrained() && dying.stream().noneMatch(d -> d.parent() == c)) {
        it.remove();
        for (int slot = c.slotCount() - 1; slot >= 0; slot--) {
          DeviceState s = c.stateAt(slot);
          if (s != null) {
            c.setState(slot, null);
            hooks.free(s);
          }
        }
        ids.clear(c.id());
      }
    }
    dyingView = List.copyOf(dying);
  }

  /** Runs hooks that must not throw, keeps going when one does, and reports the breach at the end. */
  private static final class Hooks {
    private RuntimeException failure;

    void offline(DeviceState s) {
      if (s != null) {
        run(s::offline, "offline of " + s);
      }
    }

    void free(DeviceState s) {
      if (s != null) {
        run(s::free, "free of " + s);
      }
    }

    void run(Runnable hook, String what) {
      try {
        hook.run();
      } catch (RuntimeException e) {
        IllegalStateException breach = new IllegalStateException(what + " threw, which the SPI forbids", e);
        if (failure == null) {
          failure = breach;
        } else {
          failure.addSuppressed(breach);
        }
      }
    }

    void check(String during) {
      if (failure != null) {
        throw new IllegalStateException(during + ": " + failure.getMessage(), failure);
      }
    }

    void addTo(RuntimeException e) {
      if (failure != null) {
        e.addSuppressed(failure);
      }
    }
  }
}
