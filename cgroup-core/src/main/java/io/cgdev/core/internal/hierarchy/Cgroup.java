package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.FileFlag;
import io.cgdev.api.spi.StateKey;
import io.cgdev.core.internal.guard.Plugin;
import io.cgdev.core.internal.guard.PluginGuard;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One cgroup (the kernel's struct cgroup). Identity is the object: one cgroup, one instance, for its
 * whole life, dying phase included.
 *
 * <p>Fields written under the hierarchy lock and read without it are volatile or published
 * snapshots: the children map is concurrent, the task list an immutable array replaced on change, and
 * device states live in an array indexed by {@link StateSlot#index()} whose elements are written with
 * release and read with acquire semantics, so {@link #state} is one volatile read, one bounds check
 * and one acquire load.
 *
 * <p>Visibility: a controller's files show in a cgroup while the parent enables it in {@code
 * cgroup.subtree_control} (always at the root). Disabling it there hides them for good for every
 * handle opened before, even if it is enabled again (the kernel kills the css and makes a new one):
 * {@link #visibilityGeneration} changes on every disable, and a handle compares the value it saw at
 * open.
 */
public final class Cgroup implements CgroupHandle {
  private static final VarHandle STATE = MethodHandles.arrayElementVarHandle(DeviceState[].class);
  private static final DeviceState[] NO_STATES = new DeviceState[0];
  private static final ModelTask.ModelThread[] NO_THREADS = new ModelTask.ModelThread[0];
  private static final ModelTask[] NO_TASKS = new ModelTask[0];
  private static final long[] NO_DISABLES = new long[0];

  private final CgroupPath path;
  private final Cgroup parent;
  private final int level;
  private final int id;
  private final long allControllers;

  private volatile boolean online = true;
  private volatile ConcurrentSkipListMap<String, Cgroup> children;
  private volatile DeviceState[] states;
  private volatile ModelTask.ModelThread[] threads = NO_THREADS;
  // the domain of its threaded subtree (the kernel's dom_cgrp): itself unless threaded
  private volatile Cgroup dom = this;
  // cgroup.freeze as written here, and how many of itself and its ancestors freeze it (e_freeze)
  private volatile boolean freeze;
  // cgroup.pressure: written under the lock, read lock-free by the file view
  private volatile boolean pressure = true;
  private volatile int effectiveFreeze;
  private volatile long subtreeControl;
  // per controller index: how often this cgroup's subtree_control disabled it; replaced on change
  private volatile long[] disables = NO_DISABLES;
  private volatile long maxDepth = Long.MAX_VALUE;
  private volatile long maxDescendants = Long.MAX_VALUE;
  private volatile int nrDescendants;
  private volatile int nrDyingDescendants;
  private volatile boolean populated;
  // Only touched under the hierarchy lock.
  private int populatedChildren;
  private int dyingChildren;

  private Cgroup(CgroupPath path, Cgroup parent, int id, int slotCapacity, long allControllers) {
    this.path = path;
    this.parent = parent;
    this.level = parent == null ? 0 : parent.level + 1;
    this.id = id;
    this.allControllers = allControllers;
    this.states = slotCapacity == 0 ? NO_STATES : new DeviceState[slotCapacity];
  }

  /** The root, which shows every controller of the hierarchy ({@code allControllers}). */
  static Cgroup root(int id, long allControllers) {
    return new Cgroup(CgroupPath.root(), null, id, 0, allControllers);
  }

  /** A new child, not yet linked into the tree ({@link #link}). */
  Cgroup newChild(CgroupPath childPath, int id, int slotCapacity) {
    return new Cgroup(childPath, this, id, slotCapacity, allControllers);
  }

  @Override
  public CgroupPath path() {
    return path;
  }

  @Override
  public int id() {
    return id;
  }

  @Override
  public Cgroup parent() {
    return parent;
  }

  @Override
  public int level() {
    return level;
  }

  @Override
  public boolean online() {
    return online;
  }

  /** The last path name, {@code ""} for the root. */
  public String name() {
    return path.name();
  }

  @Override
  public <S extends DeviceState> S state(StateKey<S> key) {
    if (!(key instanceof StateSlot<S> slot) || !slot.live()) {
      throw CgroupException.of(Errno.ENODEV, "no state for %s in %s: the device was unregistered", key, path);
    }
    @SuppressWarnings("unchecked") // a slot only holds states made by its own binding's createState
    S s = (S) stateAt(slot.index());
    if (s == null) {
      throw CgroupException.of(Errno.ENODEV, "no state for device %s in %s: the cgroup was removed",
          slot.registration().name(), path);
    }
    return s;
  }

  /** The state in a slot, or {@code null}; lock-free. */
  DeviceState stateAt(int slot) {
    DeviceState[] a = states;
    return slot < a.length ? (DeviceState) STATE.getAcquire(a, slot) : null;
  }

  /** Stores a state; under the lock, with the array already big enough. */
  void setState(int slot, DeviceState state) {
    STATE.setRelease(states, slot, state);
  }

  /** Grows the state array to at least {@code capacity}; under the lock. */
  void ensureCapacity(int capacity) {
    DeviceState[] a = states;
    if (a.length < capacity) {
      states = Arrays.copyOf(a, capacity);
    }
  }

  /** Offlines every state, highest slot first; under the lock. */
  void offlineStates(PluginGuard guard) {
    DeviceState[] a = states;
    for (int i = a.length - 1; i >= 0; i--) {
      DeviceState s = stateAt(i);
      if (s != null) {
        guard.hook(Plugin.ofObject(s), "offline of " + path, s::offline);
      }
    }
  }

  /** Clears and frees every state, highest slot first; under the lock. */
  void freeStates(PluginGuard guard) {
    DeviceState[] a = states;
    for (int i = a.length - 1; i >= 0; i--) {
      DeviceState s = stateAt(i);
      if (s != null) {
        setState(i, null);
        guard.hook(Plugin.ofObject(s), "free of " + path, s::free);
      }
    }
  }

  /** True if no state holds anything that keeps this removed cgroup dying. */
  boolean statesDrained(PluginGuard guard) {
    DeviceState[] a = states;
    for (int i = 0; i < a.length; i++) {
      DeviceState s = stateAt(i);
      if (s != null && !guard.drained(s)) {
        return false;
      }
    }
    return true;
  }

  /** The live child with this name, or {@code null}; lock-free. */
  public Cgroup child(String name) {
    ConcurrentSkipListMap<String, Cgroup> c = children;
    return c == null ? null : c.get(name);
  }

  /** Live children, sorted by name; a weakly consistent view. */
  public Collection<Cgroup> children() {
    ConcurrentSkipListMap<String, Cgroup> c = children;
    return c == null ? List.of() : c.values();
  }

  /** True if a live child exists. */
  public boolean hasChildren() {
    ConcurrentSkipListMap<String, Cgroup> c = children;
    return c != null && !c.isEmpty();
  }

  /** This cgroup and its live descendants, parents before children; under the lock. */
  List<Cgroup> subtree() {
    List<Cgroup> out = new ArrayList<>(nrDescendants + 1);
    Deque<Cgroup> stack = new ArrayDeque<>();
    stack.push(this);
    while (!stack.isEmpty()) {
      Cgroup c = stack.pop();
      out.add(c);
      for (Cgroup child : c.children()) {
        stack.push(child);
      }
    }
    return out;
  }

  /** Puts a new cgroup into its parent's children and counts it in every ancestor; under the lock. */
  void link() {
    if (parent.children == null) {
      parent.children = new ConcurrentSkipListMap<>();
    }
    parent.children.put(name(), this);
    for (Cgroup a = parent; a != null; a = a.parent) {
      a.nrDescendants++;
    }
  }

  /**
   * Takes a removed cgroup off line and out of the tree; the object stays valid for those holding
   * it. Under the lock.
   */
  void unlink() {
    online = false;
    parent.children.remove(name(), this);
    for (Cgroup a = parent; a != null; a = a.parent) {
      a.nrDescendants--;
    }
  }

  /** Counts this removed cgroup as dying ({@code +1}) or freed ({@code -1}) in its ancestors; under the lock. */
  void countDying(int delta) {
    parent.dyingChildren += delta;
    for (Cgroup a = parent; a != null; a = a.parent) {
      a.nrDyingDescendants += delta;
    }
  }

  /** The threads in this cgroup, sorted by id; an immutable snapshot. */
  public ModelTask.ModelThread[] threads() {
    return threads;
  }

  /** The tasks whose main thread is in this cgroup (its own {@code cgroup.procs}), sorted by pid. */
  public ModelTask[] tasks() {
    ModelTask.ModelThread[] a = threads;
    int n = 0;
    for (ModelTask.ModelThread t : a) {
      if (t.isMain()) {
        n++;
      }
    }
    if (n == 0) {
      return NO_TASKS;
    }
    ModelTask[] out = new ModelTask[n];
    int i = 0;
    for (ModelTask.ModelThread t : a) {
      if (t.isMain()) {
        out[i++] = t.task();
      }
    }
    return out;
  }

  /** True if a thread is in this cgroup itself (the kernel's cgroup_has_tasks). */
  public boolean hasThreads() {
    return threads.length > 0;
  }

  void addThread(ModelTask.ModelThread thread) {
    ModelTask.ModelThread[] a = threads;
    int i = 0;
    while (i < a.length && a[i].tid() < thread.tid()) {
      i++;
    }
    ModelTask.ModelThread[] b = new ModelTask.ModelThread[a.length + 1];
    System.arraycopy(a, 0, b, 0, i);
    b[i] = thread;
    System.arraycopy(a, i, b, i + 1, a.length - i);
    threads = b;
  }

  void removeThread(ModelTask.ModelThread thread) {
    ModelTask.ModelThread[] a = threads;
    for (int i = 0; i < a.length; i++) {
      if (a[i] == thread) {
        ModelTask.ModelThread[] b = new ModelTask.ModelThread[a.length - 1];
        System.arraycopy(a, 0, b, 0, i);
        System.arraycopy(a, i + 1, b, i, a.length - i - 1);
        threads = a.length == 1 ? NO_THREADS : b;
        return;
      }
    }
  }

  /**
   * The resource domain of this cgroup's threaded subtree (the kernel's {@code dom_cgrp}): itself
   * for a domain, the nearest non-threaded ancestor for a threaded cgroup. Lock-free.
   */
  public Cgroup dom() {
    return dom;
  }

  void dom(Cgroup d) {
    dom = d;
  }

  /** True if this cgroup is threaded ({@code cgroup.type} {@code threaded}). */
  public boolean threaded() {
    return dom != this;
  }

  /** {@code cgroup.pressure} as written here (1, true, in a new cgroup). */
  public boolean pressureEnabled() {
    return pressure;
  }

  /** Sets {@code cgroup.pressure}; under the lock ({@link Hierarchy#pressure}). */
  void pressureEnabled(boolean on) {
    pressure = on;
  }

  /** Whether {@code file} shows here: a {@link FileFlag#PRESSURE} file only while {@code cgroup.pressure} is 1. */
  public boolean showsFile(CgroupFile<?> file) {
    return pressure || !file.has(FileFlag.PRESSURE);
  }

  /** {@code cgroup.freeze} as written here. */
  public boolean freeze() {
    return freeze;
  }

  void freeze(boolean f) {
    freeze = f;
  }

  /** How many of this cgroup and its ancestors have {@code cgroup.freeze} 1. */
  int effectiveFreeze() {
    return effectiveFreeze;
  }

  void effectiveFreeze(int n) {
    effectiveFreeze = n;
  }

  /**
   * True while this cgroup is frozen ({@code frozen 1} in {@code cgroup.events}): it or an ancestor
   * freezes it. Modelled threads freeze at once (their drivers stop their device work before the
   * write returns), so a freezing cgroup is frozen as soon as it freezes.
   */
  public boolean frozen() {
    return effectiveFreeze > 0;
  }

  /** The enable mask of {@code cgroup.subtree_control}. */
  public long subtreeControl() {
    return subtreeControl;
  }

  /**
   * Sets the enable mask; a controller it disables gets a new {@link #visibilityGeneration} in the
   * children. The mask is written before the generations, and readers read a generation before the
   * mask, so a reader that sees the old mask also sees the old generation. Under the lock.
   */
  void subtreeControl(long mask) {
    long disabled = subtreeControl & ~mask;
    subtreeControl = mask;
    if (disabled != 0) {
      long[] d = Arrays.copyOf(disables, Math.max(disables.length, 64 - Long.numberOfLeadingZeros(disabled)));
      for (long bits = disabled; bits != 0; bits &= bits - 1) {
        d[Long.numberOfTrailingZeros(bits)]++;
      }
      disables = d;
    }
  }

  /**
   * The mask of controllers whose files this cgroup shows ({@code cgroup.controllers}): all at the
   * root, else the parent's enables — of which a threaded cgroup shows only the threaded controllers,
   * none of cgdev's (the kernel's cgroup_control).
   */
  public long visibleMask() {
    Cgroup p = parent;
    if (p == null) {
      return allControllers;
    }
    long mask = p.subtreeControl;
    return dom != this ? mask & ThreadedMode.THREADED_CONTROLLERS : mask;
  }

  /** True if this cgroup shows the controller's files. */
  public boolean shows(ControllerEntry<?> controller) {
    return (visibleMask() & controller.bit()) != 0;
  }

  /**
   * A value that changes each time the parent disables the controller (0 at the root): a file
   * handle opened while it had one value is stale once it has another. Read it before {@link
   * #shows}.
   */
  public long visibilityGeneration(ControllerEntry<?> controller) {
    Cgroup p = parent;
    if (p == null) {
      return 0;
    }
    long[] d = p.disables;
    int i = controller.index();
    return i < d.length ? d[i] : 0;
  }

  public long maxDepth() {
    return maxDepth;
  }

  void maxDepth(long v) {
    maxDepth = v;
  }

  public long maxDescendants() {
    return maxDescendants;
  }

  void maxDescendants(long v) {
    maxDescendants = v;
  }

  public int nrDescendants() {
    return nrDescendants;
  }

  public int nrDyingDescendants() {
    return nrDyingDescendants;
  }

  int dyingChildren() {
    return dyingChildren;
  }

  /** 1 while this cgroup or a descendant has a task. */
  public boolean populated() {
    return populated;
  }

  void populated(boolean p) {
    populated = p;
  }

  int populatedChildren() {
    return populatedChildren;
  }

  void addPopulatedChildren(int delta) {
    populatedChildren += delta;
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
