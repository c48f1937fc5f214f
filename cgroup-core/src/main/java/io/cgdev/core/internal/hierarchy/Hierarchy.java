package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.Migration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cgroup tree with its controllers, registrations and tasks (the kernel's cgroup_root plus
 * cgroup_mutex). Every change runs under one {@link ReentrantLock}, taken by {@link #locked}; reads
 * ({@link #lookup}, the getters, {@link Cgroup}'s fields) take no lock.
 *
 * <p>Controller hooks ({@code bind}, {@code createState}, {@code canAttach}, ...) are called with the
 * lock held. {@code cgroup.events} listeners are called after the outermost lock is released, on the
 * thread that made the change.
 */
public final class Hierarchy {
  private static final Logger LOG = LoggerFactory.getLogger(Hierarchy.class);

  private final ReentrantLock lock = new ReentrantLock();
  private final List<ControllerEntry<?>> controllers;
  private final Map<String, ControllerEntry<?>> controllersByName;
  private final long allControllers;
  private final Set<String> reservedNames;
  private final IdPool ids = new IdPool();
  private final IdPool slots = new IdPool();
  private final Cgroup root;
  private final List<Cgroup> dying = new ArrayList<>();
  private volatile boolean hasDying;
  private int slotCapacity;
  private volatile Map<String, Registration> registrations = Map.of();
  private final ConcurrentSkipListMap<Integer, ModelTask> tasks = new ConcurrentSkipListMap<>();
  private int nextPid = 1;
  private final List<Consumer<CgroupPath>> listeners = new CopyOnWriteArrayList<>();
  private final List<Cgroup> pendingEvents = new ArrayList<>();

  /**
   * A hierarchy with only the root.
   *
   * @param controllers the controllers, their indices equal to their list positions
   * @param reservedNames names a cgroup may not take because an entry of that name is or may be in
   *     every cgroup folder (core files, controller files, per-device folders): {@code EEXIST}
   */
  public Hierarchy(List<ControllerEntry<?>> controllers, Set<String> reservedNames) {
    this.controllers = List.copyOf(controllers);
    Map<String, ControllerEntry<?>> byName = new LinkedHashMap<>();
    long all = 0;
    for (int i = 0; i < this.controllers.size(); i++) {
      ControllerEntry<?> c = this.controllers.get(i);
      if (c.index() != i) {
        throw new IllegalArgumentException("controller " + c + " has index " + c.index() + ", expected " + i);
      }
      byName.put(c.name(), c);
      all |= c.bit();
    }
    this.controllersByName = Collections.unmodifiableMap(byName);
    this.allControllers = all;
    this.reservedNames = Set.copyOf(reservedNames);
    this.root = new Cgroup(CgroupPath.root(), null, ids.allocate(), 0);
  }

  // ---------------------------------------------------------------- locking and events

  /** Runs {@code op} under the hierarchy lock; then, if outermost, tells listeners of events. */
  public <T> T locked(Supplier<T> op) {
    lock.lock();
    List<CgroupPath> events = null;
    try {
      if (hasDying && lock.getHoldCount() == 1) {
        // dying cgroups are polled lazily: at the start of every structural operation
        reapDying();
      }
      return op.get();
    } finally {
      if (lock.getHoldCount() == 1 && !pendingEvents.isEmpty()) {
        events = new ArrayList<>(pendingEvents.size());
        for (Cgroup c : pendingEvents) {
          events.add(c.path());
        }
        pendingEvents.clear();
      }
      lock.unlock();
      if (events != null) {
        fire(events);
      }
    }
  }

  /** {@link #locked(Supplier)} for operations without a result. */
  public void locked(Runnable op) {
    locked(() -> {
      op.run();
      return null;
    });
  }

  /** True if the current thread holds the hierarchy lock. */
  public boolean heldByCurrentThread() {
    return lock.isHeldByCurrentThread();
  }

  /** Subscribes to {@code cgroup.events} changes; closing the result unsubscribes. */
  public AutoCloseable onEvents(Consumer<CgroupPath> listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  private void fire(List<CgroupPath> events) {
    for (CgroupPath p : events) {
      for (Consumer<CgroupPath> l : listeners) {
        try {
          l.accept(p);
        } catch (RuntimeException e) {
          LOG.warn("cgroup.events listener {} failed for {}", l, p, e);
        }
      }
    }
  }

  // ---------------------------------------------------------------- lookups (lock-free)

  public Cgroup root() {
    return root;
  }

  /** The controllers in index (= name) order. */
  public List<ControllerEntry<?>> controllers() {
    return controllers;
  }

  /** The controller of this name, or {@code null}. */
  public ControllerEntry<?> controller(String name) {
    return controllersByName.get(name);
  }

  /** The mask with every controller's bit. */
  public long allControllers() {
    return allControllers;
  }

  /** The live cgroup at a path, or {@code null}. */
  public Cgroup lookup(CgroupPath path) {
    Cgroup c = root;
    for (String name : path.names()) {
      c = c.child(name);
      if (c == null) {
        return null;
      }
    }
    return c;
  }

  /** The live cgroup at a path. @throws CgroupException {@code ENOENT} */
  public Cgroup require(CgroupPath path) {
    Cgroup c = lookup(path);
    if (c == null) {
      throw CgroupException.of(Errno.ENOENT, "no cgroup %s", path);
    }
    return c;
  }

  /** Registered devices by name (sorted); an immutable snapshot. */
  public Map<String, Registration> registrations() {
    return registrations;
  }

  /** How many cgroups are removed but not yet freed. */
  public int dyingCount() {
    return locked(dying::size);
  }

  /** How many ids are in use (live and dying cgroups). */
  public int idsInUse() {
    return locked(ids::inUse);
  }

  /** How many state slots are in use (one per live binding). */
  public int slotsInUse() {
    return locked(slots::inUse);
  }

  // ---------------------------------------------------------------- mkdir / rmdir

  /**
   * Creates a child cgroup.
   *
   * @throws CgroupException {@code ENOENT} if the parent was removed, {@code EEXIST} if the name is
   *     taken by a child or by an entry that is or may be in the folder, {@code EINVAL} for a name
   *     {@link CgroupPath} refuses, {@code EAGAIN} past an ancestor's {@code cgroup.max.depth} or
   *     {@code cgroup.max.descendants}
   */
  public Cgroup mkdir(Cgroup parent, String name) {
    return locked(() -> {
      if (!parent.online()) {
        throw CgroupException.of(Errno.ENOENT, "cannot create %s/%s: %s was removed", parent, name, parent);
      }
      reapDying();
      if (parent.child(name) != null || reservedNames.contains(name)) {
        throw CgroupException.of(Errno.EEXIST, "cannot create %s: %s already has an entry named '%s'",
            display(parent, name), parent, name);
      }
      CgroupPath path = parent.path().child(name);
      checkLimits(parent, path);
      Cgroup c = new Cgroup(path, parent, ids.allocate(), slotCapacity);
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
          DeviceState s = c.stateAt(b.slot());
          quietly(s::offline, "offline", s);
          quietly(s::free, "free", s);
        }
        ids.release(c.id());
        throw e;
      }
      parent.addChild(c);
      for (Cgroup a = parent; a != null; a = a.parent()) {
        a.addDescendants(1);
      }
      return c;
    });
  }

  private static String display(Cgroup parent, String name) {
    return parent.isRoot() ? "/" + name : parent + "/" + name;
  }

  private void checkLimits(Cgroup parent, CgroupPath path) {
    int level = 0;
    for (Cgroup a = parent; a != null; a = a.parent(), level++) {
      if (a.nrDescendants() >= a.maxDescendants()) {
        throw CgroupException.of(Errno.EAGAIN, "cannot create %s: %s has %d descendants, cgroup.max.descendants is %d",
            path, a, a.nrDescendants(), a.maxDescendants());
      }
      if (level >= a.maxDepth()) {
        throw CgroupException.of(Errno.EAGAIN, "cannot create %s: it would lie %d levels below %s, cgroup.max.depth is %d",
            path, level + 1, a, a.maxDepth());
      }
    }
  }

  /**
   * Removes a cgroup: offlines its states; frees them at once if they are drained, else keeps the
   * cgroup as dying until they are.
   *
   * @throws CgroupException {@code EBUSY} for the root, a cgroup with tasks or live children; {@code
   *     ENOENT} if already removed
   */
  public void rmdir(Cgroup c) {
    locked(() -> {
      if (c.isRoot()) {
        throw new CgroupException(Errno.EBUSY, "cannot remove /: the root cgroup cannot be removed");
      }
      if (!c.online()) {
        throw CgroupException.of(Errno.ENOENT, "cannot remove %s: already removed", c);
      }
      int n = c.tasks().length;
      if (n > 0) {
        throw CgroupException.of(Errno.EBUSY, "cannot remove %s: it has %d task%s", c, n, n == 1 ? "" : "s");
      }
      if (c.hasChildren()) {
        throw CgroupException.of(Errno.EBUSY, "cannot remove %s: it has child cgroups", c);
      }
      c.offline();
      c.parent().removeChild(c);
      for (Cgroup a = c.parent(); a != null; a = a.parent()) {
        a.addDescendants(-1);
      }
      DeviceState[] states = c.states();
      for (int i = states.length - 1; i >= 0; i--) {
        DeviceState s = c.stateAt(i);
        if (s != null) {
          quietly(s::offline, "offline", s);
        }
      }
      if (freeable(c)) {
        free(c);
      } else {
        dying.add(c);
        hasDying = true;
        c.parent().addDyingChildren(1);
        for (Cgroup a = c.parent(); a != null; a = a.parent()) {
          a.addDyingDescendants(1);
        }
      }
      reapDying();
    });
  }

  private static boolean freeable(Cgroup c) {
    if (c.dyingChildren() > 0) {
      return false;
    }
    DeviceState[] states = c.states();
    for (int i = 0; i < states.length; i++) {
      DeviceState s = c.stateAt(i);
      if (s != null && !drainedQuietly(s)) {
        return false;
      }
    }
    return true;
  }

  private static boolean drainedQuietly(DeviceState s) {
    try {
      return s.drained();
    } catch (RuntimeException e) {
      LOG.warn("state {} failed in drained(); treating it as drained", s, e);
      return true;
    }
  }

  private void free(Cgroup c) {
    DeviceState[] states = c.states();
    for (int i = states.length - 1; i >= 0; i--) {
      DeviceState s = c.stateAt(i);
      if (s != null) {
        c.setState(i, null);
        quietly(s::free, "free", s);
      }
    }
    ids.release(c.id());
  }

  /** Frees dying cgroups whose states have all drained, children first; under the lock. */
  private void reapDying() {
    if (dying.isEmpty()) {
      return;
    }
    dying.sort(Comparator.comparingInt(Cgroup::level).reversed());
    for (var it = dying.iterator(); it.hasNext(); ) {
      Cgroup c = it.next();
      if (freeable(c)) {
        it.remove();
        free(c);
        c.parent().addDyingChildren(-1);
        for (Cgroup a = c.parent(); a != null; a = a.parent()) {
          a.addDyingDescendants(-1);
        }
      }
    }
    hasDying = !dying.isEmpty();
  }

  /**
   * Polls dying cgroups if there are any (reading {@code cgroup.stat}); skips the poll rather than
   * wait when another thread holds the lock, since that thread's structural operation polls too.
   */
  public void pollDying() {
    if (hasDying && lock.tryLock()) {
      try {
        reapDying();
      } finally {
        lock.unlock();
      }
    }
  }

  // ---------------------------------------------------------------- subtree_control, limits

  /**
   * Applies a {@code cgroup.subtree_control} write: parsed completely, then all or nothing.
   *
   * @throws CgroupException {@code EINVAL} for a token that is not {@code +name}/{@code -name} of a
   *     known controller, {@code ENOENT} enabling a controller the cgroup may not use, {@code EBUSY}
   *     enabling in a non-root cgroup with tasks or disabling one a child still enables
   */
  public void writeSubtreeControl(Cgroup c, String value) {
    locked(() -> {
      long enable = 0;
      long disable = 0;
      for (String tok : value.strip().split("\\s+")) {
        if (tok.isEmpty()) {
          continue;
        }
        char op = tok.charAt(0);
        ControllerEntry<?> e = tok.length() > 1 ? controllersByName.get(tok.substring(1)) : null;
        if ((op != '+' && op != '-') || e == null) {
          throw CgroupException.of(Errno.EINVAL, "invalid cgroup.subtree_control token '%s' for %s: expected +name or -name of one of %s",
              tok, c, controllersByName.keySet());
        }
        if (op == '+') {
          enable |= e.bit();
          disable &= ~e.bit();
        } else {
          disable |= e.bit();
          enable &= ~e.bit();
        }
      }
      long current = c.subtreeControl();
      long available = c.visibleMask(allControllers);
      for (ControllerEntry<?> e : controllers) {
        long bit = e.bit();
        if ((enable & bit) != 0) {
          if ((current & bit) != 0) {
            enable &= ~bit;
          } else if ((available & bit) == 0) {
            throw CgroupException.of(Errno.ENOENT, "cannot enable %s in %s: it is not in cgroup.controllers", e.name(), c);
          }
        } else if ((disable & bit) != 0) {
          if ((current & bit) == 0) {
            disable &= ~bit;
          } else {
            for (Cgroup child : c.children()) {
              if ((child.subtreeControl() & bit) != 0) {
                throw CgroupException.of(Errno.EBUSY, "cannot disable %s in %s: child %s still enables it", e.name(), c, child);
              }
            }
          }
        }
      }
      if (enable == 0 && disable == 0) {
        return;
      }
      if (enable != 0 && !c.isRoot() && c.tasks().length > 0) {
        throw CgroupException.of(Errno.EBUSY, "cannot enable controllers in %s: it has %d tasks (no internal processes)",
            c, c.tasks().length);
      }
      c.subtreeControl((current | enable) & ~disable);
    });
  }

  /** Names of the controllers in a mask, in index order. */
  public List<String> names(long mask) {
    List<String> out = new ArrayList<>();
    for (ControllerEntry<?> e : controllers) {
      if ((mask & e.bit()) != 0) {
        out.add(e.name());
      }
    }
    return out;
  }

  /** Sets {@code cgroup.max.depth}; under the lock. */
  public void maxDepth(Cgroup c, long value) {
    locked(() -> c.maxDepth(value));
  }

  /** Sets {@code cgroup.max.descendants}; under the lock. */
  public void maxDescendants(Cgroup c, long value) {
    locked(() -> c.maxDescendants(value));
  }

  // ---------------------------------------------------------------- tasks

  /**
   * Starts a task in a live cgroup.
   *
   * @throws CgroupException {@code ENOENT} if the cgroup was removed, {@code EBUSY} for a non-root
   *     cgroup with controllers enabled in its subtree_control
   */
  public ModelTask spawn(String name, Cgroup c) {
    Objects.requireNonNull(name, "name");
    return locked(() -> {
      if (!c.online()) {
        throw CgroupException.of(Errno.ENOENT, "cannot start %s in %s: the cgroup was removed", name, c);
      }
      checkNoInternalProcess(c, name);
      ModelTask t = new ModelTask(nextPid++, name, c);
      tasks.put(t.pid(), t);
      c.addTask(t);
      updatePopulated(c);
      return t;
    });
  }

  private void checkNoInternalProcess(Cgroup c, Object what) {
    if (!c.isRoot() && c.subtreeControl() != 0) {
      throw CgroupException.of(Errno.EBUSY, "cannot put %s into %s: it enables %s in cgroup.subtree_control (no internal processes)",
          what, c, String.join(" ", names(c.subtreeControl())));
    }
  }

  /**
   * Ends a task.
   *
   * @throws CgroupException {@code ESRCH} if no such task lives
   */
  public void exit(int pid) {
    locked(() -> {
      ModelTask t = tasks.remove(pid);
      if (t == null) {
        throw CgroupException.of(Errno.ESRCH, "no task with pid %d", pid);
      }
      t.exited();
      Cgroup c = t.cgroupHandle();
      c.removeTask(t);
      updatePopulated(c);
    });
  }

  /** The live task with this pid, or {@code null}. */
  public ModelTask task(int pid) {
    return tasks.get(pid);
  }

  /** All live tasks by pid; a weakly consistent view. */
  public Collection<ModelTask> tasks() {
    return tasks.values();
  }

  /**
   * Moves a task, asking every controller first: {@code canAttach} in index order; on a refusal
   * {@code cancelAttach} for those that accepted, and the refusal propagates; else the task moves and
   * every controller's {@code attach} runs.
   *
   * @throws CgroupException {@code ESRCH} for a dead task, {@code ENOENT} for a removed destination,
   *     {@code EBUSY} for the no-internal-process rule, or a controller's refusal
   */
  public void migrate(int pid, Cgroup to) {
    locked(() -> {
      ModelTask t = tasks.get(pid);
      if (t == null) {
        throw CgroupException.of(Errno.ESRCH, "cannot move pid %d to %s: no such task", pid, to);
      }
      if (!to.online()) {
        throw CgroupException.of(Errno.ENOENT, "cannot move pid %d to %s: the cgroup was removed", pid, to);
      }
      checkNoInternalProcess(to, "pid " + pid);
      Cgroup from = t.cgroupHandle();
      if (from == to) {
        return;
      }
      Migration m = new Migration(t, from, to);
      int accepted = 0;
      try {
        for (ControllerEntry<?> e : controllers) {
          e.controller().canAttach(m);
          accepted++;
        }
      } catch (RuntimeException refusal) {
        for (int i = accepted - 1; i >= 0; i--) {
          ControllerEntry<?> e = controllers.get(i);
          quietly(() -> e.controller().cancelAttach(m), "cancelAttach", e);
        }
        throw refusal;
      }
      from.removeTask(t);
      to.addTask(t);
      t.cgroup(to);
      updatePopulated(from);
      updatePopulated(to);
      for (ControllerEntry<?> e : controllers) {
        quietly(() -> e.controller().attach(m), "attach", e);
      }
    });
  }

  /** The cgroup of a live task. @throws CgroupException {@code ESRCH} */
  public Cgroup cgroupOf(Task task) {
    ModelTask t = task instanceof ModelTask m && m.alive() ? m : tasks.get(task.pid());
    if (t == null || !t.alive()) {
      throw CgroupException.of(Errno.ESRCH, "task %d has exited", task.pid());
    }
    return t.cgroupHandle();
  }

  private void updatePopulated(Cgroup c) {
    for (Cgroup x = c; x != null; x = x.parent()) {
      boolean now = x.tasks().length > 0 || x.populatedChildren() > 0;
      if (now == x.populated()) {
        return;
      }
      x.populated(now);
      pendingEvents.add(x);
      if (x.parent() != null) {
        x.parent().addPopulatedChildren(now ? 1 : -1);
      }
    }
  }

  // ---------------------------------------------------------------- registration

  /**
   * Registers a device: binds each named controller, then creates and onlines a state in every live
   * cgroup, parents first, then publishes the device (its files appear).
   *
   * @throws CgroupException {@code EEXIST} for a taken name, {@code ENOENT} naming an absent
   *     controller, or what a controller's {@code bind} throws; nothing changes then
   */
  public Registration register(DeviceSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return locked(() -> {
      if (registrations.containsKey(spec.name())) {
        throw CgroupException.of(Errno.EEXIST, "device %s is already registered", spec.name());
      }
      List<ControllerEntry<?>> wanted = new ArrayList<>();
      for (ControllerEntry<?> e : controllers) {
        if (spec.controllers().contains(e.name())) {
          wanted.add(e);
        }
      }
      for (String n : spec.controllers().stream().sorted().toList()) {
        if (!controllersByName.containsKey(n)) {
          throw CgroupException.of(Errno.ENOENT, "device %s names controller '%s', which is not present (present: %s)",
              spec.name(), n, controllersByName.keySet());
        }
      }
      Registration reg = new Registration(this, spec);
      List<Binding<?>> bound = new ArrayList<>();
      try {
        for (ControllerEntry<?> e : wanted) {
          bound.add(bind(e, reg));
        }
      } catch (RuntimeException e) {
        for (Binding<?> b : bound.reversed()) {
          quietly(() -> b.device().unbind(), "unbind", b);
          slots.release(b.slot());
        }
        throw e;
      }
      reg.bindings(bound);
      ensureSlotCapacity(slots.highWater());
      for (Binding<?> b : bound) {
        b.live(true);
      }
      try {
        for (Cgroup c : preorder()) {
          for (Binding<?> b : bound) {
            b.createIn(c);
          }
        }
      } catch (RuntimeException e) {
        teardown(reg);
        throw e;
      }
      reg.registered(true);
      Map<String, Registration> next = new TreeMap<>(registrations);
      next.put(spec.name(), reg);
      registrations = Collections.unmodifiableMap(next);
      return reg;
    });
  }

  private <S extends DeviceState> Binding<S> bind(ControllerEntry<S> e, Registration reg) {
    int slot = slots.allocate();
    Binding<S> b = new Binding<>(this, e, reg, slot);
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

  private void ensureSlotCapacity(int needed) {
    if (needed <= slotCapacity) {
      return;
    }
    int cap = Math.max(4, slotCapacity);
    while (cap < needed) {
      cap *= 2;
    }
    slotCapacity = cap;
    for (Cgroup c : preorder()) {
      c.ensureCapacity(cap);
    }
  }

  /** Live cgroups, parents before children; under the lock. */
  private List<Cgroup> preorder() {
    List<Cgroup> out = new ArrayList<>(root.nrDescendants() + 1);
    Deque<Cgroup> stack = new ArrayDeque<>();
    stack.push(root);
    while (!stack.isEmpty()) {
      Cgroup c = stack.pop();
      out.add(c);
      for (Cgroup child : c.children()) {
        stack.push(child);
      }
    }
    return out;
  }

  /**
   * Unregisters a device: every binding's {@code checkReleased} first (a refusal changes nothing),
   * then states are offlined and freed children first (dying cgroups' too), the bindings unbound and
   * their slots released.
   *
   * @throws CgroupException {@code ENODEV} if already unregistered, {@code EBUSY} from a binding
   */
  public void unregister(Registration reg) {
    locked(() -> {
      if (!reg.registered() || registrations.get(reg.name()) != reg) {
        throw CgroupException.of(Errno.ENODEV, "device %s is not registered", reg.name());
      }
      for (Binding<?> b : reg.bindings()) {
        b.device().checkReleased();
      }
      reg.registered(false);
      Map<String, Registration> next = new TreeMap<>(registrations);
      next.remove(reg.name());
      registrations = Collections.unmodifiableMap(next);
      teardown(reg);
      reapDying();
    });
  }

  private void teardown(Registration reg) {
    List<Binding<?>> bs = reg.bindings();
    List<Cgroup> order = preorder();
    for (int i = order.size() - 1; i >= 0; i--) {
      Cgroup c = order.get(i);
      for (int j = bs.size() - 1; j >= 0; j--) {
        DeviceState s = c.stateAt(bs.get(j).slot());
        if (s != null) {
          quietly(s::offline, "offline", s);
        }
      }
    }
    dying.sort(Comparator.comparingInt(Cgroup::level).reversed());
    List<Cgroup> all = new ArrayList<>(dying);
    for (int i = order.size() - 1; i >= 0; i--) {
      all.add(order.get(i));
    }
    for (Cgroup c : all) {
      for (int j = bs.size() - 1; j >= 0; j--) {
        int slot = bs.get(j).slot();
        DeviceState s = c.stateAt(slot);
        if (s != null) {
          c.setState(slot, null);
          quietly(s::free, "free", s);
        }
      }
    }
    for (int j = bs.size() - 1; j >= 0; j--) {
      Binding<?> b = bs.get(j);
      b.live(false);
      quietly(() -> b.device().unbind(), "unbind", b);
      slots.release(b.slot());
    }
  }

  /** Calls a plugin hook that must not throw; a throw is logged and otherwise ignored. */
  private static void quietly(Runnable hook, String what, Object who) {
    try {
      hook.run();
    } catch (RuntimeException e) {
      LOG.warn("{} of {} threw, ignored (it must not throw)", what, who, e);
    }
  }
}
