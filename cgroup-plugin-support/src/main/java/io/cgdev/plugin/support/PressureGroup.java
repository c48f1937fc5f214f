package io.cgdev.plugin.support;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import io.cgdev.api.spi.DeviceClock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pressure stall information of one cgroup for one resource of one device (the kernel's {@code
 * psi_group} of kernel/sched/psi.c, for one resource): how long its clients were delayed waiting for
 * the resource, as {@code some} (at least one client of the cgroup's subtree delayed) and {@code
 * full} (clients delayed and none productive), with the kernel's running averages over 10, 60 and
 * 300 s, the total in µs, the kernel's text format and triggers.
 *
 * <p><b>Use.</b> Make one per (cgroup, device) state with its parent's group and the device's
 * clock. Report each client's state changes with {@link #change}: a client that becomes runnable
 * but waits is {@code change(+1, 0)}, one that starts to run {@code change(-1, +1)}, one that stops
 * and waits again {@code change(+1, -1)}, one that goes idle {@code change(0, -1)}. The change
 * reaches every ancestor, as the kernel's {@code psi_task_change} walks {@code group->parent}. A
 * pressure file's read is {@link #show}; a trigger write is {@link #createTrigger}. Call {@link
 * #advance} on the root now and then (e.g. whenever an engine picks work) so that averages and
 * triggers follow the clock while no state changes; it costs one clock read while nothing is due.
 *
 * <pre>{@code
 * final class EngineState implements DeviceState {
 *   final PressureGroup pressure;
 *   EngineState(EngineState parent, DeviceClock clock) {
 *     pressure = parent == null ? PressureGroup.root(clock) : new PressureGroup(parent.pressure);
 *   }
 * }
 * client waits:  state.pressure.change(+1, 0);     client runs: state.pressure.change(-1, +1);
 * cat cpu.pressure:  state.pressure.show(true)
 * }</pre>
 *
 * <p><b>The kernel's model, with one difference.</b> States, as psi.c defines them: {@code SOME}
 * while the delayed count is above 0, {@code FULL} while it is and the productive count is 0, {@code
 * NONIDLE} while either is. Time in each state is accumulated at every change ({@code
 * record_times}). The averaging work ({@code psi_avgs_work}) runs every 2 s while the group is not
 * idle, stops when it is, and restarts 2 s after the next change; each run folds the time into
 * {@code total} and, from the 2 s boundary on, feeds the stall share of the elapsed period into the
 * three averages ({@code update_averages}, {@code calc_avgs}; missed periods decay with {@code
 * calc_load_n}; a sample is capped at its period). A read folds the time up to now and updates the
 * averages if a boundary passed. Triggers follow the kernel's polling ({@code psi_poll_work}): a
 * change into a watched state starts polling, which lasts ten of the shortest trigger window's tenths
 * after the last change and checks every tenth of that window ({@code update_triggers}, {@code
 * window_update}). The difference: the kernel keeps these states per CPU and weights each CPU by its
 * non-idle time when it folds them; a device here is one domain (its engines together), so a
 * cgroup's {@code some} is "some client waited for the device", {@code full} "none of its runnable
 * clients ran". Work the kernel does on timers runs here at the instant of the device clock its
 * timer would fire (a jiffy late, {@link #JIFFY_NANOS}) when the clock is next seen to pass it (by a
 * change, a read or {@link #advance}), so the numbers on a simulated clock are those of a kernel whose
 * timers are never delayed. The averaging period is 2 s exactly (the kernel's is 2 s and one jiffy).
 *
 * <p><b>Threads.</b> A group keeps its counts, states and times in plain fields under a sequence
 * count, as the kernel keeps them in {@code psi_group_cpu} under {@code seq}: a change makes the
 * count odd by compare-and-set, writes the fields and makes it even again, so the changes of one group
 * are serialised for those few stores (a change that finds the count odd spins, then yields, as the
 * holder may have been descheduled); a reader never blocks a change: it reads the fields between two
 * reads of an even count and retries while the count moved ({@code read_seqcount_begin} and {@code
 * read_seqcount_retry} in {@code get_recent_times}), so it sees counts, states and times of one
 * instant. Why not lock-free: the former immutable snapshot swapped by compare-and-set allocated a
 * 7-field object per group and change, at every level of every engine pick and memory charge (about a
 * quarter of the simulator's allocated bytes); a change now allocates nothing. The averaging and
 * trigger work, reads and trigger creation take the group's lock (the kernel's {@code avgs_lock} and
 * {@code trigger_lock}); a change takes it only when work is due. Exact when changes arrive in clock
 * order (one device thread, as in the simulator); with racing threads a change that reads the clock
 * before another but records after it is counted at the later time, an error bounded by the race. A
 * trigger's notifier runs on the thread that does the work, under the group's lock: it must be quick
 * and must not call back into the group.
 */
@Stability(value = Stability.Status.EXPERIMENTAL, since = "0.2")
public final class PressureGroup {
  /** The averaging period, 2 s ({@code PSI_FREQ}; the kernel's is 2 s and one jiffy). */
  public static final long PERIOD_NANOS = 2_000_000_000L;

  /**
   * The timer granularity the kernel's work is late by, one jiffy of a {@code HZ=1000} kernel: the
   * averaging restarts {@code 2*HZ+1} jiffies after activity resumes, a change schedules the trigger
   * polling one jiffy later, and each re-armed run is rounded down to jiffies and one added ({@code
   * nsecs_to_jiffies(next - now) + 1}). Without it a change would start polling at the instant it
   * happens, before any stall time exists to be seen.
   */
  public static final long JIFFY_NANOS = 1_000_000L;

  /** Trigger checks per window ({@code UPDATES_PER_WINDOW}). */
  static final int UPDATES_PER_WINDOW = 10;

  private static final int SOME = 0;
  private static final int FULL = 1;
  private static final int NONIDLE = 2;
  private static final int AVGS = 0;
  private static final int POLL = 1;
  private static final long NEVER = Long.MAX_VALUE;

  /**
   * Room for both lines of {@link #show}: 62 characters a line with averages of 100.00 and a total of
   * ten digits (almost three hours of stall); the builder grows if needed.
   */
  private static final int SHOW_CHARS = 128;
  /** The {@code full} line where it is not defined: zeros. */
  private static final String FULL_UNDEFINED = "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";

  /** Busy-wait turns on an odd sequence count before a thread yields its processor instead. */
  private static final int SPINS = 64;
  private static final VarHandle SEQ;

  static {
    try {
      SEQ = MethodHandles.lookup().findVarHandle(PressureGroup.class, "seq", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final PressureGroup parent;
  private final PressureGroup root;
  private final DeviceClock clock;

  // One instant's counts, states and accumulated times (the kernel's psi_group_cpu): written only
  // while seq is odd, by the change that made it odd; read only between two equal even reads of seq.
  private long seq; // through SEQ only
  private int delayed;
  private int productive;
  private int mask;
  private long start;
  private long some;
  private long full;
  private long nonidle;
  // the instant the last collect counted up to (guarded by this group's monitor)
  private long collectedAt;
  private volatile boolean enabled = true;

  private final AtomicLong avgsDue = new AtomicLong(NEVER);
  private final AtomicLong pollDue = new AtomicLong(NEVER);
  private volatile int pollStates;

  // Root only: every group of the tree, and the earliest work due in any of them (a hint, never late).
  private final Set<PressureGroup> tree;
  private final AtomicLong treeDue;

  // Guarded by `this` (the kernel's avgs_lock and trigger_lock).
  private final long[][] timesPrev = new long[2][3];
  private final long[][] total = new long[2][2];
  private final long[] avgTotal = new long[2];
  private final long[][] avg = new long[2][3];
  private long avgLastUpdate;
  private long avgNextUpdate;
  private final List<PressureTrigger> triggers = new ArrayList<>();
  private final int[] nrTriggers = new int[2];
  private long pollMinPeriod = NEVER;
  private long pollingUntil;
  private long pollingNextUpdate = NEVER;
  private final long[] pollingTotal = new long[2];

  private PressureGroup(PressureGroup parent, DeviceClock clock) {
    this.parent = parent;
    this.root = parent == null ? this : parent.root;
    this.clock = clock;
    long now = clock.nanoTime();
    this.start = now;
    this.avgLastUpdate = now;
    this.avgNextUpdate = now + PERIOD_NANOS;
    this.tree = parent == null ? ConcurrentHashMap.newKeySet() : null;
    this.treeDue = parent == null ? new AtomicLong(NEVER) : null;
    root.tree.add(this);
  }

  /** The root group of a device, on the device's clock. */
  public static PressureGroup root(DeviceClock clock) {
    return new PressureGroup(null, clock);
  }

  /** A group below {@code parent}, on its clock. */
  public PressureGroup(PressureGroup parent) {
    this(Objects.requireNonNull(parent, "parent"), parent.clock);
  }

  /** The parent group, {@code null} at the root. */
  public PressureGroup parent() {
    return parent;
  }

  /**
   * Reports a change of this group's clients at the clock's present time, here and in every
   * ancestor: {@code delayedDelta} clients more (or fewer) wait for the resource, {@code
   * productiveDelta} more (or fewer) use it. Allocates nothing; takes the group's lock only when
   * averaging or trigger work is due (see the class comment's Threads).
   *
   * @throws IllegalStateException if a count would go below zero (a caller's bug; nothing changes
   *     here, the kernel prints "psi: task underflow")
   */
  public void change(int delayedDelta, int productiveDelta) {
    checkCounts(delayedDelta, productiveDelta);
    for (PressureGroup g = this; g != null; g = g.parent) {
      g.changeOne(delayedDelta, productiveDelta);
    }
  }

  /**
   * Two clients' changes at one instant, as the kernel's {@code psi_task_switch} makes them when a CPU
   * goes from one task to the next: below the groups' lowest common ancestor each group takes its own
   * client's change; from there up each group takes the sum once, and nothing where the sum is zero. So
   * a client that stops running while another starts leaves their shared ancestors as they were: no
   * state that lasts no time, and no work for it (the common case: an engine switching between clients
   * of one team changes neither the team nor the root). The times are those of {@code from.change(...)}
   * then {@code to.change(...)} at one clock reading; unlike that pair, a shared ancestor sees no
   * passing state that could start trigger polling, as in the kernel. A zero change is no change.
   *
   * @throws IllegalStateException if a count would go below zero (nothing changes)
   */
  public static void change(PressureGroup from, int fromDelayed, int fromProductive, PressureGroup to, int toDelayed,
      int toProductive) {
    PressureGroup common = commonAncestor(from, to);
    // a group at or above the other one sees both changes
    boolean fromAboveTo = common == from;
    boolean toAboveFrom = common == to;
    from.checkCounts(fromDelayed + (fromAboveTo ? toDelayed : 0), fromProductive + (fromAboveTo ? toProductive : 0));
    to.checkCounts(toDelayed + (toAboveFrom ? fromDelayed : 0), toProductive + (toAboveFrom ? fromProductive : 0));
    changeBelow(from, common, fromDelayed, fromProductive);
    changeBelow(to, common, toDelayed, toProductive);
    changeBelow(common, null, fromDelayed + toDelayed, fromProductive + toProductive);
  }

  /** Applies a change from {@code g} up to, not including, {@code end} (null: the root included). */
  private static void changeBelow(PressureGroup g, PressureGroup end, int delayedDelta, int productiveDelta) {
    if (delayedDelta == 0 && productiveDelta == 0) {
      return;
    }
    for (; g != end; g = g.parent) {
      g.changeOne(delayedDelta, productiveDelta);
    }
  }

  private static PressureGroup commonAncestor(PressureGroup a, PressureGroup b) {
    if (a.root != b.root) {
      throw new IllegalArgumentException("pressure groups of two trees have no common ancestor");
    }
    int da = a.depth();
    int db = b.depth();
    for (; da > db; da--) {
      a = a.parent;
    }
    for (; db > da; db--) {
      b = b.parent;
    }
    while (a != b) {
      a = a.parent;
      b = b.parent;
    }
    return a;
  }

  private int depth() {
    int d = 0;
    for (PressureGroup g = parent; g != null; g = g.parent) {
      d++;
    }
    return d;
  }

  private void checkCounts(int delayedDelta, int productiveDelta) {
    int d;
    int p;
    for (; ; ) {
      long s = readBegin();
      d = delayed;
      p = productive;
      if (readValid(s)) {
        break;
      }
    }
    if (d + delayedDelta < 0 || p + productiveDelta < 0) {
      throw new IllegalStateException(String.format(
          "pressure: counts would go below zero: delayed %d%+d, productive %d%+d", d, delayedDelta, p, productiveDelta));
    }
  }

  /**
   * The sequence count at the start of a read ({@code read_seqcount_begin}): once it is even, waiting
   * while it is odd (a change is writing).
   */
  private long readBegin() {
    for (int spins = 1; ; spins++) {
      long s = (long) SEQ.getAcquire(this);
      if ((s & 1) == 0) {
        return s;
      }
      backOff(spins);
    }
  }

  /** Whether the fields read since {@code readBegin} returned {@code s} are of one instant ({@code read_seqcount_retry}). */
  private boolean readValid(long s) {
    VarHandle.acquireFence(); // the field reads above happen before the count's re-read
    return (long) SEQ.getAcquire(this) == s;
  }

  /** Makes the sequence count odd for this thread's change ({@code write_seqcount_begin}); returns its even value. */
  private long writeBegin() {
    for (int spins = 0; ; spins++) {
      long s = (long) SEQ.getAcquire(this);
      if ((s & 1) == 0 && SEQ.compareAndSet(this, s, s + 1)) {
        VarHandle.storeStoreFence(); // the odd count is seen before any field written after it (smp_wmb)
        return s;
      }
      backOff(spins + 1);
    }
  }

  /** Ends the change begun at {@code s}: the fields written happen before the even count ({@code write_seqcount_end}). */
  private void writeEnd(long s) {
    SEQ.setRelease(this, s + 2);
  }

  private static void backOff(int spins) {
    if (spins < SPINS) {
      Thread.onSpinWait();
    } else {
      Thread.yield();
    }
  }

  private void changeOne(int delayedDelta, int productiveDelta) {
    long now = clock.nanoTime();
    if (now >= Math.min(avgsDue.get(), pollDue.get())) {
      synchronized (this) {
        runDue(now);
      }
    }
    long s = writeBegin();
    boolean on = enabled;
    long t = Math.max(now, start);
    int d = Math.max(0, delayed + delayedDelta);
    int p = Math.max(0, productive + productiveDelta);
    int m = on ? mask(d, p) : 0;
    // a disabled group that accumulates nothing keeps its start (psi_group_change with !enabled)
    if (on || mask != 0) {
      record(t);
    }
    delayed = d;
    productive = p;
    mask = m;
    writeEnd(s);
    if (!on) {
      return;
    }
    // each compare-and-set below is tried only when a plain read says it can succeed: a failing one still
    // takes the cache line exclusively, and while work is due (nearly always) every change paid for two
    long poll = now + JIFFY_NANOS;
    if ((m & pollStates) != 0 && pollDue.get() == NEVER && pollDue.compareAndSet(NEVER, poll)) {
      root.lowerTreeDue(poll);
    }
    // psi_group_change's wake_clock: restart the averaging work PSI_FREQ after activity resumes.
    long wake = now + PERIOD_NANOS + JIFFY_NANOS;
    if (avgsDue.get() == NEVER && avgsDue.compareAndSet(NEVER, wake)) {
      root.lowerTreeDue(wake);
    }
  }

  private static int mask(int delayed, int productive) {
    int m = 0;
    if (delayed > 0) {
      m |= 1 << SOME;
      if (productive == 0) {
        m |= 1 << FULL;
      }
    }
    if (delayed > 0 || productive > 0) {
      m |= 1 << NONIDLE;
    }
    return m;
  }

  /** {@code record_times} up to {@code t}, in the states of the present mask. Only between writeBegin and writeEnd. */
  private void record(long t) {
    long dt = t > start ? t - start : 0;
    if ((mask & (1 << SOME)) != 0) {
      some += dt;
    }
    if ((mask & (1 << FULL)) != 0) {
      full += dt;
    }
    if ((mask & (1 << NONIDLE)) != 0) {
      nonidle += dt;
    }
    start = t;
  }

  /** The time accumulated in {@code state} by {@code now}: {@code base} plus the running stretch if the state is on. */
  private static long time(int state, int mask, long start, long base, long now) {
    return (mask & (1 << state)) != 0 && now > start ? base + (now - start) : base;
  }

  /** The number of clients delayed now, here and below. */
  public int delayed() {
    for (; ; ) {
      long s = readBegin();
      int d = delayed;
      if (readValid(s)) {
        return d;
      }
    }
  }

  /** The number of clients productive now, here and below. */
  public int productive() {
    for (; ; ) {
      long s = readBegin();
      int p = productive;
      if (readValid(s)) {
        return p;
      }
    }
  }

  /**
   * Whether pressure is accounted ({@code cgroup.pressure}); a new group accounts. Disabled, the
   * group keeps counting its clients but stops accumulating stall time, averages and triggers, as the
   * kernel's {@code psi->enabled = 0} does; enabled again, it restarts from the present state
   * ({@code psi_cgroup_restart}).
   */
  public boolean enabled() {
    return enabled;
  }

  /** Switches accounting off or on (see {@link #enabled()}); any thread. */
  public void enabled(boolean on) {
    if (enabled == on) {
      return;
    }
    enabled = on;
    changeOne(0, 0);
  }

  /**
   * Runs the averaging and trigger work that the clock has passed, in every group of this group's
   * tree: the timer ticks of the kernel. Cheap while nothing is due (one clock read and one
   * comparison). Any thread.
   */
  public void advance() {
    long now = clock.nanoTime();
    if (now < root.treeDue.get()) {
      return;
    }
    root.treeDue.set(NEVER);
    for (PressureGroup g : root.tree) {
      synchronized (g) {
        g.runDue(now);
      }
      root.lowerTreeDue(Math.min(g.avgsDue.get(), g.pollDue.get()));
    }
  }

  /** The earliest clock time at which work is due somewhere in this group's tree ({@code Long.MAX_VALUE}: none). */
  public long nextDue() {
    return root.treeDue.get();
  }

  private void lowerTreeDue(long t) {
    treeDue.accumulateAndGet(t, Math::min);
  }

  /** Runs the work due by {@code now} in time order. Holds the lock. */
  private void runDue(long now) {
    for (; ; ) {
      long a = avgsDue.get();
      long p = pollDue.get();
      if (Math.min(a, p) > now) {
        return;
      }
      if (a <= p) {
        avgsWork(a);
      } else {
        pollWork(p);
      }
    }
  }

  /** Folds the time up to {@code t} into the aggregator's totals; returns the states that grew. */
  private int collect(int aggregator, long t) {
    int m;
    long from;
    long someBase;
    long fullBase;
    long nonidleBase;
    for (; ; ) {
      long s = readBegin();
      m = mask;
      from = start;
      someBase = some;
      fullBase = full;
      nonidleBase = nonidle;
      if (readValid(s)) {
        break;
      }
    }
    if (from > t) {
      t = from; // a change recorded at a later clock reading than the caller's (see read)
    }
    collectedAt = t;
    int changed = 0;
    for (int state = 0; state < 3; state++) {
      long base = state == SOME ? someBase : state == FULL ? fullBase : nonidleBase;
      long time = time(state, m, from, base, t);
      long delta = time - timesPrev[aggregator][state];
      if (delta < 0) {
        delta = 0; // a racing change counted at a later instant (see the class comment)
        time = timesPrev[aggregator][state];
      }
      timesPrev[aggregator][state] = time;
      if (delta != 0) {
        changed |= 1 << state;
        if (state != NONIDLE) {
          total[aggregator][state] += delta;
        }
      }
    }
    return changed;
  }

  /** {@code psi_avgs_work} at its due time {@code t}. */
  private void avgsWork(long t) {
    int changed = collect(AVGS, t);
    if (t >= avgNextUpdate) {
      avgNextUpdate = updateAverages(t);
    }
    long next = (changed & (1 << NONIDLE)) != 0 ? rearm(t, avgNextUpdate) : NEVER;
    avgsDue.set(next);
    root.lowerTreeDue(next);
  }

  /** When a timer armed at {@code now} for {@code target} fires: {@code nsecs_to_jiffies(target - now) + 1} jiffies on. */
  private static long rearm(long now, long target) {
    long jiffies = Math.max(0, target - now) / JIFFY_NANOS + 1;
    return now + jiffies * JIFFY_NANOS;
  }

  /** {@code update_averages}: returns the next boundary. */
  private long updateAverages(long now) {
    long expires = avgNextUpdate;
    long missed = now - expires >= PERIOD_NANOS ? (now - expires) / PERIOD_NANOS : 0;
    long next = expires + (1 + missed) * PERIOD_NANOS;
    long period = now - (avgLastUpdate + missed * PERIOD_NANOS);
    avgLastUpdate = now;
    for (int s = 0; s < 2; s++) {
      long sample = (total[AVGS][s] - avgTotal[s]) & 0xFFFF_FFFFL; // a u32 in the kernel
      if (sample > period) {
        sample = period; // overage is punted into the next period
      }
      avgTotal[s] += sample;
      calcAvgs(avg[s], missed, sample, period);
    }
    return next;
  }

  /** {@code calc_avgs}. */
  static void calcAvgs(long[] avg, long missed, long time, long period) {
    if (missed > 0) {
      for (int w = 0; w < 3; w++) {
        avg[w] = LoadAverage.calcLoadN(avg[w], LoadAverage.EXP[w], 0, missed);
      }
    }
    long pct = period > 0 ? time * 100 / period : 0;
    pct *= LoadAverage.FIXED_1;
    for (int w = 0; w < 3; w++) {
      avg[w] = LoadAverage.calcLoad(avg[w], LoadAverage.EXP[w], pct);
    }
  }

  /** {@code psi_poll_work} at its due time {@code t}. */
  private void pollWork(long t) {
    pollDue.set(NEVER);
    int changed = collect(POLL, t);
    if ((changed & pollStates) != 0) {
      if (t > pollingUntil) {
        initTriggers(t);
      }
      pollingUntil = t + pollMinPeriod * UPDATES_PER_WINDOW;
    }
    if (t > pollingUntil) {
      pollingNextUpdate = NEVER;
      return;
    }
    if (t >= pollingNextUpdate) {
      pollingNextUpdate = updateTriggers(t);
    }
    long next = rearm(t, pollingNextUpdate);
    pollDue.set(next);
    root.lowerTreeDue(next);
  }

  private void initTriggers(long t) {
    for (PressureTrigger tr : triggers) {
      tr.windowReset(t, total[POLL][tr.state()], 0);
    }
    System.arraycopy(total[POLL], 0, pollingTotal, 0, 2);
    pollingNextUpdate = t + pollMinPeriod;
  }

  private long updateTriggers(long t) {
    boolean updateTotal = false;
    for (PressureTrigger tr : triggers) {
      int s = tr.state();
      boolean newStall = pollingTotal[s] != total[POLL][s];
      updateTotal |= newStall;
      tr.update(t, total[POLL][s], newStall);
    }
    if (updateTotal) {
      System.arraycopy(total[POLL], 0, pollingTotal, 0, 2);
    }
    return t + pollMinPeriod;
  }

  /**
   * Makes a trigger from a write to an open pressure file ({@code psi_trigger_create}); see {@link
   * PressureTrigger#parse} for the syntax and errors. {@code notifier} runs when an event is raised
   * and when the trigger closes (the kernel's {@code kernfs_notify} of the file): quickly, without
   * calling back into this group. One trigger per open file is the caller's rule ({@code EBUSY}).
   *
   * @throws CgroupException {@code EINVAL} for a bad write, {@code EOPNOTSUPP} while pressure is
   *     disabled here
   */
  public PressureTrigger createTrigger(String text, Runnable notifier) {
    PressureTrigger.Spec spec = PressureTrigger.parse(text);
    if (!enabled) {
      throw CgroupException.of(Errno.EOPNOTSUPP, "pressure trigger '%s': pressure is disabled (cgroup.pressure 0)", text);
    }
    PressureTrigger t = new PressureTrigger(this, spec, Objects.requireNonNull(notifier, "notifier"));
    long now = clock.nanoTime();
    synchronized (this) {
      runDue(now);
      collect(POLL, now);
      t.windowReset(now, total[POLL][t.state()], 0);
      triggers.add(t);
      pollMinPeriod = Math.min(pollMinPeriod, t.windowNanos() / UPDATES_PER_WINDOW);
      nrTriggers[t.state()]++;
      pollStates |= 1 << t.state();
    }
    return t;
  }

  synchronized void destroy(PressureTrigger t) {
    if (!triggers.remove(t)) {
      return;
    }
    if (--nrTriggers[t.state()] == 0) {
      pollStates &= ~(1 << t.state());
    }
    long period = NEVER;
    for (PressureTrigger other : triggers) {
      period = Math.min(period, other.windowNanos() / UPDATES_PER_WINDOW);
    }
    pollMinPeriod = period;
    if (pollStates == 0) {
      pollingUntil = 0;
      pollDue.set(NEVER);
    }
  }

  /** The triggers now set on this group. */
  public synchronized int triggerCount() {
    return triggers.size();
  }

  /**
   * The pressure file's text ({@code psi_show}) at the clock's present time: {@code some avg10=0.00
   * avg60=0.00 avg300=0.00 total=0} and the same for {@code full}, each ending in a newline.
   *
   * @param fullDefined false prints the {@code full} line as zeros, as the kernel does for CPU at the
   *     system level (the root cgroup's {@code cpu.pressure})
   */
  public String show(boolean fullDefined) {
    // the numbers of read(), formatted straight into one builder: monitoring tools (and the simulator's
    // sampler) read pressure files at every sample, so no Reading, array copies or strings per number
    StringBuilder b = new StringBuilder(SHOW_CHARS);
    long clockNow = clock.nanoTime();
    synchronized (this) {
      update(clockNow);
      appendLine(b, Stall.SOME, avg[SOME], total[AVGS][SOME]);
      if (fullDefined) {
        appendLine(b, Stall.FULL, avg[FULL], total[AVGS][FULL]);
      }
    }
    if (!fullDefined) {
      b.append(FULL_UNDEFINED);
    }
    return b.toString();
  }

  /** One line of {@link #show}: {@code <stall> avg10=… avg60=… avg300=… total=<µs>}. */
  private static void appendLine(StringBuilder b, Stall stall, long[] averages, long totalNanos) {
    b.append(stall.label());
    LoadAverage.append(b.append(" avg10="), averages[0]);
    LoadAverage.append(b.append(" avg60="), averages[1]);
    LoadAverage.append(b.append(" avg300="), averages[2]);
    b.append(" total=").append(totalNanos / 1000).append('\n');
  }

  /**
   * The numbers behind {@link #show} at the clock's present time, for charts and tests: per stall
   * kind the averages as percentages (as printed, truncated to hundredths) and the total in ns.
   */
  public Reading read() {
    long clockNow = clock.nanoTime();
    synchronized (this) {
      long now = update(clockNow);
      return new Reading(Math.max(now, collectedAt), new long[][] {avg[0].clone(), avg[1].clone()}, total[AVGS].clone());
    }
  }

  /**
   * Brings totals and averages up to {@code clockNow} for a read; returns the reading's instant. Holds
   * the lock.
   */
  private long update(long clockNow) {
    // a change racing with this read may have been recorded at a later clock reading than ours, and a
    // racing read may have collected up to a later one: the reading's instant is then the later one, so
    // that its totals never run ahead of its time
    long now = Math.max(Math.max(clockNow, start()), collectedAt);
    runDue(now);
    collect(AVGS, now);
    if (now >= avgNextUpdate) {
      avgNextUpdate = updateAverages(now);
    }
    return now;
  }

  /** The instant of the last recorded change. */
  private long start() {
    for (; ; ) {
      long s = readBegin();
      long t = start;
      if (readValid(s)) {
        return t;
      }
    }
  }

  /**
   * A group's pressure at one instant.
   *
   * @param time the device time read
   */
  public record Reading(long time, long[][] fixed, long[] totalNanos) {
    /** The running average over 10, 60 or 300 s ({@code window} 0, 1, 2) in percent, as printed. */
    public double percent(Stall stall, int window) {
      long x = fixed[stall.ordinal()][window];
      return LoadAverage.loadInt(x) + LoadAverage.loadFrac(x) / 100.0;
    }

    /** The accumulated stall time in ns ({@code total=} shows it in µs). */
    public long total(Stall stall) {
      return totalNanos[stall.ordinal()];
    }
  }

  /**
   * Ends the group (its cgroup was removed): closes its triggers, which wakes their pollers, and
   * leaves the tree's work list. Its clients must have left (changes back to zero) before.
   */
  public void close() {
    List<PressureTrigger> all;
    synchronized (this) {
      all = new ArrayList<>(triggers);
    }
    for (PressureTrigger t : all) {
      t.close();
    }
    root.tree.remove(this);
  }
}
