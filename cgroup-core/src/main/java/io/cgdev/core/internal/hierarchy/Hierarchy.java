package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Subscription;
import io.cgdev.api.Task;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.core.internal.guard.PluginGuard;
import io.cgdev.api.spi.TaskObserver;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cgroup tree and the door to every change of it (the kernel's cgroup_root plus cgroup_mutex).
 * Each public change takes the one hierarchy lock ({@link #locked}) and orchestrates the classes
 * that know the work: {@link DeviceRegistry} (devices and their states), {@link TaskMembership}
 * (tasks and migration), {@link SubtreeControl} ({@code cgroup.subtree_control}), {@link
 * DyingCgroups} (removed cgroups that still hold charges), {@link Freezer} ({@code cgroup.freeze}),
 * {@link ThreadedMode} ({@code cgroup.type}). They hold no reference back: each is handed the tree it
 * works on and returns what changed, and this class does what follows (updating {@code populated},
 * telling drivers of frozen and killed tasks through {@link TaskObservers}, notifying {@code
 * cgroup.events} through {@link FileEvents}, reaping dying cgroups). Reads ({@link #lookup}, the
 * getters, {@link Cgroup}'s fields) take no lock.
 *
 * <p>Controller hooks ({@code bind}, {@code createState}, {@code canAttach}, ...) and drivers' task
 * observers are called with the lock held, controller hooks each on the {@link PluginGuard} (a
 * plugin's fault fails the operation with {@code EIO} and leaves the tree as it was). {@code
 * cgroup.events} notifications and listeners run after the outermost lock is released, on the thread
 * that made the change.
 */
public final class Hierarchy {
  private static final Logger LOG = LoggerFactory.getLogger(Hierarchy.class);

  private final ReentrantLock lock = new ReentrantLock();
  private final ControllerTable controllers;
  private final FolderEntries entries;
  private final IdPool ids = new IdPool();
  private final PluginGuard guard;
  private final Cgroup root;
  private final DyingCgroups dying;
  private final DeviceRegistry devices;
  private final TaskMembership tasks;
  private final SubtreeControl subtreeControl;
  private final List<Consumer<CgroupPath>> listeners = new CopyOnWriteArrayList<>();
  private final List<Cgroup> pendingEvents = new ArrayList<>();
  private final FileEvents fileEvents = new FileEvents();
  private final TaskObservers observers;

  /**
   * A hierarchy with only the root.
   *
   * @param controllers the controllers, their indices equal to their list positions
   * @param perDevice whether per-device files live under one {@code devices} folder per cgroup
   *     (else under {@code <ctrl>.devices}): which entries a cgroup folder holds besides its
   *     children ({@link FolderEntries})
   */
  public Hierarchy(List<ControllerEntry<?>> controllers, boolean perDevice) {
    this(controllers, perDevice, PluginGuard.logging());
  }

  /**
   * A hierarchy with only the root, calling plugins on {@code guard} (whose diagnostics collect the
   * plugins' faults).
   */
  public Hierarchy(List<ControllerEntry<?>> controllers, boolean perDevice, PluginGuard guard) {
    this.guard = guard;
    this.observers = new TaskObservers(guard);
    this.dying = new DyingCgroups(ids, guard);
    this.controllers = new ControllerTable(controllers, guard);
    this.devices = new DeviceRegistry(this.controllers, guard, fileEvents);
    this.tasks = new TaskMembership(this.controllers);
    this.entries = new FolderEntries(this.controllers, perDevice);
    this.subtreeControl = new SubtreeControl(this.controllers, entries);
    this.root = Cgroup.root(ids.allocate(), this.controllers.all());
  }

  // ---------------------------------------------------------------- locking and events

  /**
   * Runs {@code op} under the hierarchy lock. The outermost call first frees the dying cgroups that
   * drained, and at the end, without the lock, tells listeners of the events {@code op} caused and
   * drains the open handles of files it removed ({@link FileEvents#drainVanished}).
   */
  public <T> T locked(Supplier<T> op) {
    lock.lock();
    List<Cgroup> events = null;
    try {
      if (lock.getHoldCount() == 1 && dying.any()) {
        dying.reap();
      }
      return op.get();
    } finally {
      if (lock.getHoldCount() == 1 && !pendingEvents.isEmpty()) {
        events = List.copyOf(pendingEvents);
        pendingEvents.clear();
      }
      boolean outermost = lock.getHoldCount() == 1;
      lock.unlock();
      if (events != null) {
        fire(events);
      }
      if (outermost) {
        fileEvents.drainVanished(); // handles of files the operation removed release what they set up
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

  /** The change notification of every file of this hierarchy. */
  public FileEvents fileEvents() {
    return fileEvents;
  }

  /** Tells {@code observer} of frozen, thawed and killed tasks until the result is closed. */
  public Subscription observeTasks(TaskObserver observer) {
    return observers.add(observer);
  }

  /** Notifies {@code cgroup.events} of each cgroup (the root has none), then the listeners; without the lock. */
  private void fire(List<Cgroup> events) {
    for (Cgroup c : events) {
      if (!c.isRoot()) {
        fileEvents.notifyChange(c, null, CoreFileNames.EVENTS);
      }
      for (Consumer<CgroupPath> l : listeners) {
        try {
          l.accept(c.path());
        } catch (RuntimeException e) {
          LOG.warn("cgroup.events listener {} failed for {}", l, c, e);
        }
      }
    }
  }

  /** Recomputes {@code populated} from {@code c} up, queueing an event for each change; under the lock. */
  private void updatePopulated(Cgroup c) {
    for (Cgroup x = c; x != null; x = x.parent()) {
      boolean now = x.hasThreads() || x.populatedChildren() > 0;
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

  // ---------------------------------------------------------------- lookups (lock-free)

  public Cgroup root() {
    return root;
  }

  public ControllerTable controllers() {
    return controllers;
  }

  /** The guard plugin code runs on. */
  public PluginGuard guard() {
    return guard;
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
    return devices.all();
  }

  /** The removed cgroups that are still dying (hold charges); a lock-free snapshot. */
  List<Cgroup> dying() {
    return dying.snapshot();
  }

  /** The states a disable took out of live cgroups that still hold charges; a lock-free snapshot. */
  List<DyingCgroups.Retired> retired() {
    return dying.retiredSnapshot();
  }

  /** The live task with this pid, or {@code null}. */
  public ModelTask task(int pid) {
    return tasks.task(pid);
  }

  /** The live thread with this id, or {@code null}. */
  public ModelTask.ModelThread thread(int tid) {
    return tasks.thread(tid);
  }

  /** All live tasks by pid; a weakly consistent view. */
  public Collection<ModelTask> tasks() {
    return tasks.all();
  }

  /** The cgroup of a live task's main thread. @throws CgroupException {@code ESRCH} */
  public Cgroup cgroupOf(Task task) {
    return tasks.cgroupOf(task);
  }

  /**
   * The resource domain of a live task: its main thread's cgroup, or the domain of the threaded
   * subtree that cgroup is in. Where cgdev's (domain) controllers account the task's work.
   *
   * @throws CgroupException {@code ESRCH}
   */
  public Cgroup domainOf(Task task) {
    return tasks.cgroupOf(task).dom();
  }

  /** How many ids are in use (live and dying cgroups). */
  public int idsInUse() {
    return locked(ids::inUse);
  }

  /** How many state slots are in use (one per live controller-registration pair). */
  public int slotsInUse() {
    return locked(devices::slotsInUse);
  }

  // ---------------------------------------------------------------- mkdir / rmdir

  /**
   * Creates a child cgroup with a state for every registered device.
   *
   * @throws CgroupException {@code ENOENT} if the parent was removed, {@code EEXIST} if the name is
   *     taken by a child or by another entry of the folder now ({@link FolderEntries}), {@code
   *     EINVAL} or {@code ENAMETOOLONG} for a name {@link CgroupPath} refuses, {@code EAGAIN} past an
   *     ancestor's {@code cgroup.max.depth} or {@code cgroup.max.descendants}, {@code EIO} if a
   *     controller failed to create or online a state (nothing is left behind)
   */
  public Cgroup mkdir(Cgroup parent, String name) {
    return locked(() -> {
      if (!parent.online()) {
        throw CgroupException.of(Errno.ENOENT, "cannot create %s/%s: %s was removed", parent, name, parent);
      }
      if (parent.child(name) != null || entries.present(parent, name)) {
        throw CgroupException.of(Errno.EEXIST, "cannot create %s: %s already has an entry named '%s'",
            parent.isRoot() ? "/" + name : parent + "/" + name, parent, name);
      }
      CgroupPath path = parent.path().child(name);
      checkLimits(parent, path);
      Cgroup c = parent.newChild(path, ids.allocate(), devices.slotCapacity());
      Freezer.inherit(c);
      try {
        devices.createStates(c);
      } catch (RuntimeException e) {
        ids.release(c.id());
        throw e;
      }
      c.link();
      return c;
    });
  }

  private static void checkLimits(Cgroup parent, CgroupPath path) {
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
      int n = c.threads().length;
      if (n > 0) {
        throw CgroupException.of(Errno.EBUSY, "cannot remove %s: it has %d task%s", c, n, n == 1 ? "" : "s");
      }
      if (c.hasChildren()) {
        throw CgroupException.of(Errno.EBUSY, "cannot remove %s: it has child cgroups", c);
      }
      c.unlink();
      c.offlineStates(guard);
      dying.removed(c);
      dying.reap();
    });
  }

  /**
   * Polls dying cgroups if there are any (reading {@code cgroup.stat}); skips the poll rather than
   * wait when another thread holds the lock, since that thread's structural operation polls too.
   */
  public void pollDying() {
    if (dying.any() && lock.tryLock()) {
      try {
        dying.reap();
      } finally {
        lock.unlock();
      }
    }
  }

  // ---------------------------------------------------------------- core file writes

  /**
   * Applies a {@code cgroup.subtree_control} write: parsed completely, then all or nothing. A
   * disabled controller's files vanish from the children, and handles open on them stay stale; its
   * states in every descendant are offlined and replaced by fresh ones with default settings (the
   * kernel kills the css and makes a new one on the next enable), the old ones freed once they
   * have drained.
   *
   * @throws CgroupException {@code EINVAL} for a token that is not {@code +name}/{@code -name} of a
   *     known controller, {@code ENOENT} enabling a controller the cgroup may not use, {@code EBUSY}
   *     enabling in a non-root cgroup with tasks or disabling one a child still enables, {@code
   *     EEXIST} enabling one that would add an entry a child already holds as a cgroup
   */
  public void writeSubtreeControl(Cgroup c, String value) {
    locked(() -> {
      subtreeControl.write(c, value, disabled -> devices.prepareRestart(c, disabled, dying));
      dying.reap();
    });
  }

  /** Sets {@code cgroup.max.depth}. */
  public void maxDepth(Cgroup c, long value) {
    locked(() -> c.maxDepth(value));
  }

  /** Sets {@code cgroup.max.descendants}. */
  public void maxDescendants(Cgroup c, long value) {
    locked(() -> c.maxDescendants(value));
  }

  // ---------------------------------------------------------------- tasks

  /**
   * Starts a task in a live cgroup; frozen if the cgroup is.
   *
   * @throws CgroupException {@code ENOENT} if the cgroup was removed, {@code EBUSY} for a non-root
   *     cgroup with controllers enabled in its subtree_control, {@code EOPNOTSUPP} for an invalid
   *     domain
   */
  public ModelTask spawn(String name, Cgroup c) {
    Objects.requireNonNull(name, "name");
    return locked(() -> {
      ModelTask t = tasks.spawn(name, c);
      updatePopulated(c);
      observers.sync(t);
      return t;
    });
  }

  /** Starts a thread in a live task, in its main thread's cgroup. @throws CgroupException {@code ESRCH} */
  public ModelTask.ModelThread spawnThread(int pid) {
    return locked(() -> {
      ModelTask.ModelThread th = tasks.spawnThread(pid);
      updatePopulated(th.cgroup());
      return th;
    });
  }

  /** Ends a task. @throws CgroupException {@code ESRCH} if no such task lives */
  public void exit(int pid) {
    locked(() -> tasks.exit(pid).forEach(this::updatePopulated));
  }

  /** Ends a thread other than a main one. @throws CgroupException {@code ESRCH}, {@code EINVAL} */
  public void exitThread(int tid) {
    locked(() -> updatePopulated(tasks.exitThread(tid).cgroup()));
  }

  /**
   * Moves a task (all its threads), asking every controller first when its resource domain changes:
   * {@code canAttach} in index order; on a refusal {@code cancelAttach} for those that accepted, and
   * the refusal propagates; else the task moves and every controller's {@code attach} runs. It
   * freezes or thaws with its destination.
   *
   * @throws CgroupException {@code ESRCH} for a dead task, {@code ENOENT} for a removed destination,
   *     {@code EBUSY} for the no-internal-process rule, {@code EOPNOTSUPP} for an invalid domain, or a
   *     controller's refusal
   */
  public void migrate(int pid, Cgroup to) {
    locked(() -> {
      var left = tasks.migrate(pid, to);
      if (!left.isEmpty()) {
        left.forEach(this::updatePopulated);
        updatePopulated(to);
        observers.sync(tasks.thread(pid).task());
      }
    });
  }

  /**
   * Moves one thread within its threaded subtree ({@code cgroup.threads}); no controller is asked,
   * since its resource domain stays the same. Its task freezes or thaws when it is the main thread.
   *
   * @throws CgroupException {@code ESRCH}, {@code ENOENT}, {@code EBUSY}, {@code EOPNOTSUPP}
   */
  public void migrateThread(int tid, Cgroup to) {
    locked(() -> {
      Cgroup from = tasks.migrateThread(tid, to);
      if (from != null) {
        updatePopulated(from);
        updatePopulated(to);
        observers.sync(tasks.thread(tid).task());
      }
    });
  }

  // ---------------------------------------------------------------- freeze, kill, threaded mode

  /**
   * Applies a {@code cgroup.freeze} write: {@code c} and its subtree freeze (or thaw, unless an
   * ancestor still freezes them), the drivers stop (or resume) the device work of every task whose
   * main thread is there, and {@code cgroup.events} is notified where {@code frozen} changed.
   */
  public void freeze(Cgroup c, boolean freeze) {
    locked(() -> {
      if (!c.online()) {
        throw CgroupException.of(Errno.ENOENT, "cannot freeze %s: it was removed", c);
      }
      List<Cgroup> changed = Freezer.write(c, freeze);
      pendingEvents.addAll(changed);
      if (!changed.isEmpty()) {
        for (Cgroup d : c.subtree()) {
          for (ModelTask t : d.tasks()) {
            observers.sync(t);
          }
        }
      }
    });
  }

  /**
   * Applies a {@code cgroup.pressure} write ({@code cgroup_pressure_write}): when the value changes,
   * every device state of {@code c} hears it ({@link io.cgdev.api.spi.DeviceState#accountPressure})
   * and the cgroup's pressure files hide or show; the handles of hidden ones are drained when the
   * lock is released. Only {@code c}: its children keep their own value, as in the kernel.
   */
  public void pressure(Cgroup c, boolean on) {
    locked(() -> {
      if (!c.online()) {
        throw CgroupException.of(Errno.ENOENT, "cannot set cgroup.pressure of %s: it was removed", c);
      }
      if (c.pressureEnabled() != on) {
        c.pressureEnabled(on);
        devices.accountPressure(c, on);
      }
    });
  }

  /**
   * Applies a {@code cgroup.kill} write: every task whose main thread is in {@code c}'s subtree is
   * killed — all its threads exit, then its drivers release what it held ({@link
   * TaskObserver#killed}) — and the cgroups it leaves may become unpopulated.
   *
   * @throws CgroupException {@code EOPNOTSUPP} for a threaded cgroup (killing is per process), {@code
   *     ENOENT} if {@code c} was removed
   */
  public void kill(Cgroup c) {
    locked(() -> {
      if (!c.online()) {
        throw CgroupException.of(Errno.ENOENT, "cannot kill %s: it was removed", c);
      }
      if (c.threaded()) {
        throw CgroupException.of(Errno.EOPNOTSUPP, "cannot kill %s: it is threaded, and killing takes whole processes", c);
      }
      List<ModelTask> victims = new ArrayList<>();
      for (Cgroup d : c.subtree()) {
        victims.addAll(List.of(d.tasks()));
      }
      for (ModelTask t : victims) {
        tasks.exit(t.pid()).forEach(this::updatePopulated);
        observers.killed(t);
      }
    });
  }

  /**
   * Makes {@code c} threaded (a write of {@code threaded} to {@code cgroup.type}); see {@link
   * ThreadedMode#enableThreaded}.
   *
   * @throws CgroupException {@code EOPNOTSUPP}, {@code ENOENT} if {@code c} was removed
   */
  public void enableThreaded(Cgroup c) {
    locked(() -> {
      if (!c.online()) {
        throw CgroupException.of(Errno.ENOENT, "cannot make %s threaded: it was removed", c);
      }
      ThreadedMode.enableThreaded(c);
    });
  }

  // ---------------------------------------------------------------- devices

  /**
   * Registers a device: binds each named controller, then creates and onlines a state in every live
   * cgroup, parents first, then publishes the device (its files appear).
   *
   * @throws CgroupException {@code EEXIST} for a taken name, {@code ENOENT} naming an absent
   *     controller, what a controller's {@code bind} throws as a refusal, or {@code EIO} if every
   *     controller named failed for the device; nothing changes then. A controller that fails
   *     while others succeed is left out ({@link Registration#controllers()}).
   */
  public Registration register(DeviceSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return locked(() -> devices.register(spec, root, this::unregister));
  }

  /**
   * Unregisters a device: every binding's {@code checkReleased} first (a refusal changes nothing),
   * then states are offlined in live cgroups children first, freed in dying cgroups and then live
   * ones, children first, the bindings unbound and their slots released. Dying cgroups that only
   * this device's states kept are freed.
   *
   * @throws CgroupException {@code ENODEV} if already unregistered, {@code EBUSY} from a binding
   */
  public void unregister(Registration reg) {
    locked(() -> {
      devices.unregister(reg, root, dying);
      dying.reap();
    });
  }
}
