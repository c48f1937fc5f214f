package io.cgdev.controller.cpuset;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.EngineMask;
import io.cgdev.api.spi.StateKey;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cpuset controller bound to one device: creates its states, recomputes and publishes its
 * effective masks, and serves {@link EngineMask} to the driver.
 *
 * <p><b>Publication.</b> Every change (a file write, a cgroup appearing or going) recomputes the
 * effective masks it can reach with {@link MaskPropagation} into a {@link Publication}, then
 * publishes them with one volatile write of a new {@link Snapshot}, then tells the listeners. A
 * snapshot shares what did not change with the one before ({@link SlotTable}), so publishing costs
 * what changed, not the size of the tree. A reader loads the snapshot once per call, so whatever it
 * sees for a cgroup is exactly that cgroup's mask in one published generation; it can never combine
 * a child's new mask with a parent's old one, because both live in the same immutable object.
 *
 * <p><b>What a change reaches.</b> A new cgroup is a member with empty sets: it inherits its
 * parent's view and changes nobody else's (one slot). A member's write that leaves its exclusive
 * request alone, or whose siblings request no partition, changes its own subtree only. Anything else
 * (a partition requested or given up, an exclusive request among partition siblings, a partition
 * removed) decides the parent's level anew and recomputes the children whose view that changed (all
 * of them when the parent's own engines changed). Subtrees are recomputed top down and skip children
 * whose view did not change. So building a flat tree of n cgroups costs O(n log n), where
 * recomputing every mask on every mkdir and rmdir cost O(n²).
 *
 * <p>Structural calls ({@link #createState}, {@link CpusetState#offline}, writes, {@link #unbind})
 * run under the core's hierarchy lock. {@link EngineMask} queries run on any thread without a lock;
 * {@link #allowsEngine} and {@link #allowsRegion} allocate nothing.
 */
final class CpusetBinding implements DeviceBinding<CpusetState>, EngineMask {
  /** Engines and regions are kept in one {@code long} each. */
  static final int MAX_RESOURCES = Long.SIZE;

  private static final Logger LOG = LoggerFactory.getLogger(CpusetBinding.class);
  private static final Snapshot UNBOUND = new Snapshot(-1, SlotTable.empty(), 0);

  private final CpusetController controller;
  private final StateKey<CpusetState> key;
  private final DeviceSpec spec;
  private final long allEngines;
  private final long allRegions;
  /** Slots of removed states, lowest first, for reuse; hierarchy lock only. */
  private final PriorityQueue<Integer> freeSlots = new PriorityQueue<>();
  /** Per engine: how many published views are valid isolated partitions holding it; hierarchy lock only. */
  private final int[] isolatedUse = new int[Long.SIZE];
  private final CopyOnWriteArrayList<Subscription> listeners = new CopyOnWriteArrayList<>();
  private int slotCount;
  private long created;
  private volatile Snapshot snapshot = Snapshot.EMPTY;

  CpusetBinding(CpusetController controller, BindContext<CpusetState> context) {
    this.controller = controller;
    this.key = context.key();
    this.spec = context.registration().spec();
    int engines = spec.engines().size();
    int regions = spec.regions().size();
    if (engines == 0 && regions == 0) {
      throw CgroupException.of(
          Errno.EINVAL, "device %s offers cpuset neither engines nor regions", spec.name());
    }
    if (engines > MAX_RESOURCES || regions > MAX_RESOURCES) {
      throw CgroupException.of(
          Errno.EINVAL,
          "device %s: cpuset governs at most %d engines and %d regions, got %d and %d",
          spec.name(), MAX_RESOURCES, MAX_RESOURCES, engines, regions);
    }
    this.allEngines = lowBits(engines);
    this.allRegions = lowBits(regions);
  }

  static long lowBits(int n) {
    return n == Long.SIZE ? -1L : (1L << n) - 1;
  }

  DeviceSpec spec() {
    return spec;
  }

  StateKey<CpusetState> key() {
    return key;
  }

  int engineCount() {
    return spec.engines().size();
  }

  int regionCount() {
    return spec.regions().size();
  }

  long allEngines() {
    return allEngines;
  }

  long allRegions() {
    return allRegions;
  }

  /** The generation published last; for tests. */
  Snapshot snapshot() {
    return snapshot;
  }

  // ---- structure (hierarchy lock) ----

  @Override
  public CpusetState createState(CgroupHandle cgroup, CpusetState parent) {
    Integer free = freeSlots.poll();
    int slot = free != null ? free : slotCount++;
    CpusetState state = new CpusetState(this, cgroup, parent, slot, created++);
    if (parent != null) {
      parent.addChild(state);
    }
    if (snapshot == UNBOUND) {
      return state;
    }
    // a new cgroup is a member with empty sets: it changes nobody else's masks, and no client can
    // run in it yet, so there is nobody to tell
    Publication p = new Publication(snapshot, isolatedUse);
    Effective input = parent == null
        ? MaskPropagation.rootInput(allEngines, allRegions)
        : MaskPropagation.childView(state.config(), parent.current(), null);
    MaskPropagation.update(state, input, p::put);
    publish(p, false);
    return state;
  }

  /** Takes a removed cgroup's state out of the tree; a partition gives its engines back. */
  void remove(CpusetState state) {
    Snapshot s = snapshot;
    if (s == UNBOUND || state.current() == null) {
      return;
    }
    state.retire(s.of(state));
    Publication p = new Publication(s, isolatedUse);
    drop(state, p);
    CpusetState parent = state.parent();
    if (parent != null) {
      CpusetConfig config = state.config();
      parent.removeChild(state);
      if (config.partition() != Partition.MEMBER
          || (config.userExclusive() != 0 && !parent.partitionChildren().isEmpty())) {
        relevel(parent, null, p);
      }
    }
    publish(p, true);
  }

  /** Drops a state and whatever is still below it (the core offlines children first). */
  private void drop(CpusetState top, Publication p) {
    java.util.ArrayDeque<CpusetState> todo = new java.util.ArrayDeque<>();
    todo.push(top);
    while (!todo.isEmpty()) {
      CpusetState s = todo.pop();
      s.children().forEach(todo::push);
      p.drop(s);
      freeSlots.add(s.slot());
    }
  }

  /** Applies a new configuration to one state, republishes and notifies. Hierarchy lock. */
  void configure(CpusetState state, CpusetConfig config) {
    CpusetConfig before = state.config();
    state.config(config);
    CpusetState parent = state.parent();
    if (parent != null) {
      parent.childConfigured(state, before, config);
    }
    if (snapshot == UNBOUND || state.current() == null) {
      return;
    }
    Publication p = new Publication(snapshot, isolatedUse);
    if (parent == null) {
      MaskPropagation.update(state, state.input(), p::put);
    } else if (before.partition() == Partition.MEMBER && config.partition() == Partition.MEMBER
        && (before.userExclusive() == config.userExclusive() || parent.partitionChildren().isEmpty())) {
      // a member that stays one and cannot change a sibling's partition decision: its subtree only
      MaskPropagation.update(state, MaskPropagation.childView(config, parent.current(), null), p::put);
    } else {
      relevel(parent, state, p);
    }
    publish(p, true);
  }

  /**
   * Decides {@code parent}'s level anew and recomputes the children whose view changed: all of them
   * if the parent's own view changed, else those that request a partition; {@code changed} (a child
   * whose configuration changed, or null) always.
   */
  private void relevel(CpusetState parent, CpusetState changed, Publication p) {
    Map<CpusetState, MaskPropagation.Decision> decisions = new IdentityHashMap<>();
    Effective own = MaskPropagation.decide(parent, parent.input(), decisions);
    boolean ownChanged = !own.equals(parent.current());
    if (ownChanged) {
      p.put(parent, parent.input(), own);
    }
    List<CpusetState> candidates = new ArrayList<>(ownChanged ? parent.children() : parent.partitionChildren());
    for (CpusetState c : candidates) {
      if (c == changed) {
        continue;
      }
      Effective input = MaskPropagation.childView(c.config(), own, decisions.get(c));
      if (!input.equals(c.input())) {
        MaskPropagation.update(c, input, p::put);
      }
    }
    if (changed != null) {
      MaskPropagation.update(changed, MaskPropagation.childView(changed.config(), own, decisions.get(changed)), p::put);
    }
  }

  private void publish(Publication p, boolean notify) {
    Snapshot next = p.publish(snapshot.generation + 1);
    snapshot = next;
    if (notify && !listeners.isEmpty()) {
      for (CpusetState st : p.topmostChanged()) {
        tell(st.cgroup());
      }
    }
  }

  private void tell(CgroupHandle cgroup) {
    for (Subscription sub : listeners) {
      try {
        sub.listener.masksChanged(cgroup);
      } catch (RuntimeException e) {
        // the change is already applied; a broken listener must not make the write look failed
        LOG.warn("cpuset listener {} failed for {} on {}", sub.listener, cgroup.path(), spec.name(), e);
      }
    }
  }

  @Override
  public void unbind() {
    snapshot = UNBOUND;
    listeners.clear();
    controller.unbound(this);
  }

  // ---- EngineMask (any thread, no lock) ----

  /** The published view of a state. */
  Effective effectiveOf(CpusetState state) {
    Snapshot s = snapshot;
    if (s == UNBOUND) {
      throw gone();
    }
    Effective e = s.of(state);
    if (e != null) {
      return e;
    }
    e = state.retired();
    if (e != null) {
      return e;
    }
    throw CgroupException.of(Errno.ENODEV, "%s: no cpuset state for %s", spec.name(), state.path());
  }

  private Effective effectiveOf(CgroupHandle cgroup) {
    if (snapshot == UNBOUND) {
      throw gone();
    }
    return effectiveOf(cgroup.state(key));
  }

  private CgroupException gone() {
    return CgroupException.of(Errno.ENODEV, "device %s was unregistered from cpuset", spec.name());
  }

  @Override
  public BitSet engines(CgroupHandle cgroup) {
    return BitSet.valueOf(new long[] {effectiveOf(cgroup).cpus()});
  }

  @Override
  public BitSet regions(CgroupHandle cgroup) {
    return BitSet.valueOf(new long[] {effectiveOf(cgroup).mems()});
  }

  @Override
  public boolean allowsEngine(CgroupHandle cgroup, int engine) {
    long mask = effectiveOf(cgroup).cpus();
    return engine >= 0 && engine < Long.SIZE && (mask >>> engine & 1) != 0;
  }

  @Override
  public boolean allowsRegion(CgroupHandle cgroup, int region) {
    long mask = effectiveOf(cgroup).mems();
    return region >= 0 && region < Long.SIZE && (mask >>> region & 1) != 0;
  }

  @Override
  public AutoCloseable onChange(Listener listener) {
    if (snapshot == UNBOUND) {
      throw gone();
    }
    Subscription sub = new Subscription(listener);
    listeners.add(sub);
    return sub;
  }

  /** One subscription; closing removes exactly this one, even if the listener subscribed twice. */
  private final class Subscription implements AutoCloseable {
    final Listener listener;

    Subscription(Listener listener) {
      this.listener = java.util.Objects.requireNonNull(listener, "listener");
    }

    @Override
    public void close() {
      listeners.remove(this);
    }
  }

  @Override
  public String toString() {
    return "CpusetBinding[" + spec.name() + "]";
  }
}
