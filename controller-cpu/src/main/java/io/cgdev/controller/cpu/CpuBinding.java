package io.cgdev.controller.cpu;

import io.cgdev.api.Bandwidth;
import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.DeviceClock;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.StateKey;
import io.cgdev.api.spi.TimeSharing;
import io.cgdev.plugin.support.PressureGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * The cpu controller bound to one device: creates the per-cgroup states and implements {@link
 * TimeSharing} for the driver.
 *
 * <h2>Scheduling</h2>
 * Each group keeps, per engine, a {@link RunQueue} of its active children (clients and child
 * groups) ordered by virtual time. {@link #pickNext} descends from the root taking the first entity
 * of each queue until it reaches a client. {@link TimeSharing.Client#ran} advances the virtual time
 * of the client and of each group above it by {@code nanos * 100 / weight} (exact, see {@link
 * SchedEntity#advance}), so at every level active siblings share time in proportion to their
 * weights. An entity that re-joins a queue is placed no more than {@link
 * SchedEntity#LAG_BOUND_NANOS} behind the queue's minimum: idle time earns no credit.
 *
 * <p>A client runs on one engine at a time, as a kernel task runs on one CPU: the client {@link
 * #pickNext} returns for an engine is that engine's current client until the engine asks again (it
 * is free then) or the client closes, and meanwhile its entities leave the other engines' queues
 * ("parked": still runnable there, back in the queue when the engine lets it go). So a client with
 * one engine's worth of demand never gets more than one engine's worth of time, whatever engines it
 * is runnable on.
 *
 * <h2>Bandwidth</h2>
 * Groups with a {@code cpu.max} quota have a {@link BandwidthPool}. Runs are taken out of every
 * limited ancestor's pool; a pool that runs dry throttles its group: the group's entities leave their
 * parents' queues on every engine, so neither it nor anything below it is picked. Pools are refilled
 * lazily: every call first compares the device clock with the earliest period end.
 *
 * <h2>Threading</h2>
 * One {@link ReentrantLock} per binding serialises every scheduling call of every engine of the
 * device, the client lifecycle and bandwidth writes. The lock is never held while calling out of the
 * controller (the device clock excepted), so it nests inside the hierarchy lock and under nothing
 * else. {@code cpu.stat} reads take no lock: they read atomics and volatile counters.
 */
final class CpuBinding implements DeviceBinding<CpuState>, TimeSharing {
  /** A client's {@code cpu.pressure} states: no work, runnable but not running, running. */
  static final int IDLE = 0;
  static final int WAITING = 1;
  static final int RUNNING = 2;

  private final ReentrantLock lock = new ReentrantLock();
  private final String device;
  private final DeviceClock clock;
  private final String[] engineNames;
  /** Per engine, the {@code cpu.stat} line's key and its separator ({@code "usage_usec.rcs0 "}), made once. */
  private final String[] usageKeys;
  private final StateKey<CpuState> key;

  /** Groups with a finite quota; guarded by {@link #lock}. */
  private final List<CpuState> limited = new ArrayList<>();
  /** Open clients in opening order, for {@link #checkReleased}; guarded by {@link #lock}. */
  private final Set<CpuClient> clients = new LinkedHashSet<>();
  /** Per engine: the client it picked last and runs until it asks again, or null; guarded by {@link #lock}. */
  private final CpuClient[] current;

  /** Earliest period end among limited groups; guarded by {@link #lock}. */
  private long nextRefill = Long.MAX_VALUE;
  private long seq;
  private volatile boolean unbound;
  private CpuState root;
  private final BindContext<CpuState> context;

  CpuBinding(BindContext<CpuState> context) {
    this.context = context;
    DeviceSpec spec = context.registration().spec();
    this.device = spec.name();
    if (spec.engines().isEmpty()) {
      throw CgroupException.of(Errno.EINVAL, "device %s offers no engines to the cpu controller", device);
    }
    this.clock = spec.clock();
    this.engineNames = spec.engines().stream().map(EngineSpec::name).toArray(String[]::new);
    this.usageKeys = new String[engineNames.length];
    for (int e = 0; e < engineNames.length; e++) {
      usageKeys[e] = "usage_usec." + engineNames[e] + " ";
    }
    this.current = new CpuClient[engineNames.length];
    this.key = context.key();
  }

  DeviceClock clock() {
    return clock;
  }

  /** Tells the pollers of {@code s}'s {@code cpu.pressure} to look again (a trigger's event); any thread, never blocks. */
  void notifyPressure(CpuState s) {
    context.notifyChange(s.cgroup, "pressure");
  }

  String deviceName() {
    return device;
  }

  String engineName(int engine) {
    return engineNames[engine];
  }

  /** {@code cpu.stat}'s per-engine key with the space after it, e.g. {@code "usage_usec.rcs0 "}. */
  String usageKey(int engine) {
    return usageKeys[engine];
  }

  int engines() {
    return engineNames.length;
  }

  /** For entity order ties; called under the hierarchy lock or {@link #lock}. */
  long nextSeq() {
    return seq++;
  }

  /** The device's lock, for tests that check invariants atomically with a pick. */
  ReentrantLock lock() {
    return lock;
  }

  @Override
  public CpuState createState(CgroupHandle cgroup, CpuState parent) {
    lock.lock();
    try {
      CpuState state = new CpuState(this, cgroup, parent, engineNames.length);
      if (parent == null) {
        root = state;
      }
      return state;
    } finally {
      lock.unlock();
    }
  }

  // ---- TimeSharing ----

  @Override
  public Client open(CgroupHandle cgroup, String label) {
    CpuState state = cgroup.state(key);
    lock.lock();
    try {
      checkBound();
      CpuClient client = new CpuClient(this, state, label, engineNames.length);
      state.clientOpened();
      clients.add(client);
      return client;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Client pickNext(int engine) {
    checkEngine(engine);
    lock.lock();
    try {
      checkBound();
      refresh();
      advancePressure();
      CpuClient released = release(engine);
      RunQueue queue = root.entities[engine].queue;
      while (true) {
        SchedEntity first = queue.first();
        if (first == null) {
          if (released != null) {
            updatePressure(released);
          }
          return null;
        }
        if (first instanceof ClientEntity c) {
          claim(c.client, engine);
          switchPressure(released, c.client);
          return c.client;
        }
        queue = ((GroupEntity) first).queue;
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long nextUnthrottle() {
    lock.lock();
    try {
      checkBound();
      refresh();
      long next = Long.MAX_VALUE;
      for (CpuState s : limited) {
        if (s.pool.throttled()) {
          next = Math.min(next, s.pool.periodEnd());
        }
      }
      return next;
    } finally {
      lock.unlock();
    }
  }

  void setRunnable(CpuClient client, int engine, boolean runnable) {
    checkEngine(engine);
    lock.lock();
    try {
      checkBound();
      ClientEntity ce = client.entities[engine];
      if (runnable == (ce.queued() || client.parked[engine])) {
        return;
      }
      if (runnable && client.closed) {
        throw CgroupException.of(Errno.EINVAL, "client %s is closed", client.label());
      }
      if (client.runningOn >= 0 && client.runningOn != engine) {
        client.parked[engine] = runnable; // it runs elsewhere: back in this queue when that engine lets it go
      } else if (runnable) {
        refresh();
        enqueue(ce);
      } else {
        dequeue(ce);
      }
      updatePressure(client);
    } finally {
      lock.unlock();
    }
  }

  void ran(CpuClient client, int engine, long nanos) {
    checkEngine(engine);
    if (nanos < 0) {
      throw CgroupException.of(Errno.EINVAL, "client %s: negative run time %d ns", client.label(), nanos);
    }
    lock.lock();
    try {
      checkBound();
      long now = refresh();
      client.addRuntime(engine, nanos);
      charge(client.entities[engine], nanos);
      for (CpuState s = client.state; ; s = s.parent) {
        s.addUsage(engine, nanos);
        if (s.isRoot()) {
          break;
        }
        charge(s.entities[engine], nanos);
        if (s.pool.limited()) {
          if (now == Long.MIN_VALUE) {
            now = clock.nanoTime();
          }
          if (s.pool.consume(nanos, now)) {
            throttle(s);
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }

  void close(CpuClient client) {
    lock.lock();
    try {
      if (client.closed) {
        return;
      }
      if (client.runningOn >= 0) {
        current[client.runningOn] = null;
        client.runningOn = -1;
      }
      Arrays.fill(client.parked, false);
      for (ClientEntity ce : client.entities) {
        if (ce.queued()) {
          dequeue(ce);
        }
      }
      client.closed = true;
      updatePressure(client);
      client.state.clientClosed();
      clients.remove(client);
    } finally {
      lock.unlock();
    }
  }

  // ---- configuration (file writes, under the hierarchy lock) ----

  /**
   * Applies {@code cpu.max}.
   *
   * @throws CgroupException {@code EINVAL} if the quota would fall below the burst
   */
  void setLimit(CpuState state, Bandwidth limit) {
    lock.lock();
    try {
      long burst = state.pool.burstUsec();
      if (!limit.unlimited() && burst > limit.quotaUsec()) {
        throw CgroupException.of(Errno.EINVAL,
            "cpu.max '%s' of %s: quota below cpu.max.burst %d", limit.format(), state.cgroup.path(), burst);
      }
      refresh(); // boundaries that passed are counted before the write closes the period
      long now = clock.nanoTime();
      boolean resume = state.pool.setLimit(limit, now);
      if (limit.unlimited()) {
        limited.remove(state);
      } else if (!limited.contains(state)) {
        limited.add(state);
      }
      if (resume) {
        unthrottle(state);
      }
      recomputeNextRefill();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Applies {@code cpu.max.burst}.
   *
   * @throws CgroupException {@code EINVAL} if above the quota
   */
  void setBurst(CpuState state, long usec) {
    lock.lock();
    try {
      Bandwidth limit = state.pool.limit();
      if (!limit.unlimited() && usec > limit.quotaUsec()) {
        throw CgroupException.of(Errno.EINVAL,
            "cpu.max.burst %d of %s exceeds the quota %d", usec, state.cgroup.path(), limit.quotaUsec());
      }
      refresh();
      state.pool.setBurst(usec);
    } finally {
      lock.unlock();
    }
  }

  // ---- lifecycle ----

  void forget(CpuState state) {
    lock.lock();
    try {
      if (limited.remove(state)) {
        recomputeNextRefill();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void checkReleased() {
    lock.lock();
    try {
      if (!clients.isEmpty()) {
        throw CgroupException.of(Errno.EBUSY, "device %s: %d cpu client(s) still open: %s", device,
            clients.size(), clients.stream().map(CpuClient::toString).collect(Collectors.joining(", ")));
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void unbind() {
    lock.lock();
    try {
      unbound = true;
      limited.clear();
      nextRefill = Long.MAX_VALUE;
    } finally {
      lock.unlock();
    }
  }

  // ---- the queues ----

  private void checkBound() {
    if (unbound) {
      throw CgroupException.of(Errno.ENODEV, "device %s is no longer registered", device);
    }
  }

  void checkEngine(int engine) {
    if (engine < 0 || engine >= engineNames.length) {
      throw CgroupException.of(Errno.EINVAL, "device %s has no engine %d (it has %d)", device, engine,
          engineNames.length);
    }
  }

  /** Advances an entity's virtual time and restores its queue's order. */
  private static void charge(SchedEntity e, long nanos) {
    e.advance(nanos);
    if (e.queued()) {
      e.parentQueue.increased(e);
    }
  }

  /** Queues an entity, and its group up the tree while groups become active and are not throttled. */
  private static void enqueue(SchedEntity e) {
    while (true) {
      RunQueue q = e.parentQueue;
      e.place(q);
      q.add(e);
      GroupEntity owner = q.owner();
      if (q.size() > 1 || owner.parentQueue == null || owner.group.pool.throttled() || owner.queued()) {
        return;
      }
      e = owner;
    }
  }

  /** Removes an entity, and its group up the tree while groups become idle. */
  private static void dequeue(SchedEntity e) {
    while (true) {
      RunQueue q = e.parentQueue;
      q.remove(e);
      GroupEntity owner = q.owner();
      if (!q.isEmpty() || !owner.queued()) {
        return;
      }
      e = owner;
    }
  }

  /**
   * Engine {@code engine} is free again: the client it ran may be picked on the other engines.
   * Returns that client (null: none), whose pressure state the caller brings up to date.
   */
  private CpuClient release(int engine) {
    CpuClient c = current[engine];
    if (c == null) {
      return null;
    }
    current[engine] = null;
    c.runningOn = -1;
    for (int e = 0; e < c.parked.length; e++) {
      if (c.parked[e]) {
        c.parked[e] = false;
        enqueue(c.entities[e]);
      }
    }
    return c;
  }

  /**
   * Brings a client's {@code cpu.pressure} state in line with the scheduler's (under {@link #lock}):
   * running while an engine that picked it has not asked again; waiting while it is runnable on some
   * engine (queued, parked, or in a throttled group) and not running, as a kernel task that is
   * runnable but not on a CPU; idle otherwise. The change reaches the cgroup's ancestors.
   */
  void updatePressure(CpuClient c) {
    int now = pressureStateOf(c);
    int was = c.pressureState;
    if (now == was) {
      return;
    }
    c.pressureState = now;
    c.state.pressure.change(delayedDelta(was, now), productiveDelta(was, now));
  }

  /**
   * {@link #updatePressure} of the client an engine let go ({@code from}, null: none) and the one it
   * picked next, at one instant: their shared ancestors take the sum once, as the kernel's {@code
   * psi_task_switch} stops at the groups the two tasks share.
   */
  private void switchPressure(CpuClient from, CpuClient to) {
    if (from == null || from == to) {
      updatePressure(to);
      return;
    }
    int fromWas = from.pressureState;
    int fromNow = pressureStateOf(from);
    int toWas = to.pressureState;
    int toNow = pressureStateOf(to);
    from.pressureState = fromNow;
    to.pressureState = toNow;
    PressureGroup.change(from.state.pressure, delayedDelta(fromWas, fromNow), productiveDelta(fromWas, fromNow),
        to.state.pressure, delayedDelta(toWas, toNow), productiveDelta(toWas, toNow));
  }

  private static int pressureStateOf(CpuClient c) {
    return c.closed ? IDLE : c.runningOn >= 0 ? RUNNING : wantsToRunAnywhere(c) ? WAITING : IDLE;
  }

  private static int delayedDelta(int was, int now) {
    return (now == WAITING ? 1 : 0) - (was == WAITING ? 1 : 0);
  }

  private static int productiveDelta(int was, int now) {
    return (now == RUNNING ? 1 : 0) - (was == RUNNING ? 1 : 0);
  }

  private static boolean wantsToRunAnywhere(CpuClient c) {
    for (int e = 0; e < c.entities.length; e++) {
      if (c.wantsToRun(e)) {
        return true;
      }
    }
    return false;
  }

  /** Runs the pressure averaging and triggers that the device clock has passed; any thread. */
  void advancePressure() {
    CpuState r = root;
    if (r != null) {
      r.pressure.advance();
    }
  }

  /** {@code c} runs on {@code engine} now: it leaves the other engines' queues until the engine lets it go. */
  private void claim(CpuClient c, int engine) {
    current[engine] = c;
    c.runningOn = engine;
    for (int e = 0; e < c.entities.length; e++) {
      if (e != engine && c.entities[e].queued()) {
        dequeue(c.entities[e]);
        c.parked[e] = true;
      }
    }
  }

  private void throttle(CpuState state) {
    for (GroupEntity ge : state.entities) {
      if (ge.queued()) {
        dequeue(ge);
      }
    }
  }

  private void unthrottle(CpuState state) {
    for (GroupEntity ge : state.entities) {
      if (!ge.queue.isEmpty() && !ge.queued()) {
        enqueue(ge);
      }
    }
  }

  /**
   * Refills every pool whose period ended.
   *
   * @return the device time read, or {@code Long.MIN_VALUE} if the clock was not read
   */
  private long refresh() {
    if (limited.isEmpty()) {
      return Long.MIN_VALUE;
    }
    long now = clock.nanoTime();
    if (now >= nextRefill) {
      for (CpuState s : limited) {
        if (s.pool.refill(now)) {
          unthrottle(s);
        }
      }
      recomputeNextRefill();
    }
    return now;
  }

  private void recomputeNextRefill() {
    long next = Long.MAX_VALUE;
    for (CpuState s : limited) {
      next = Math.min(next, s.pool.periodEnd());
    }
    nextRefill = next;
  }
}
