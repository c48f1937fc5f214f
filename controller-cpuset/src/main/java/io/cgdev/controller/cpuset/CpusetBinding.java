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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cpuset controller bound to one device: creates its states, recomputes and publishes its
 * effective masks, and serves {@link EngineMask} to the driver.
 *
 * <p><b>Publication.</b> Every change (a file write, a cgroup appearing or going) recomputes the
 * effective masks of the whole tree from scratch with {@link MaskPropagation} into fresh arrays,
 * then publishes them with one volatile write of a new {@link Snapshot}, then tells the listeners.
 * A reader loads the snapshot once per call, so whatever it sees for a cgroup is exactly that
 * cgroup's mask in one published generation; it can never combine a child's new mask with a
 * parent's old one, because both live in the same immutable object.
 *
 * <p>Structural calls ({@link #createState}, {@link CpusetState#offline}, writes, {@link #unbind})
 * run under the core's hierarchy lock. {@link EngineMask} queries run on any thread without a lock;
 * {@link #allowsEngine} and {@link #allowsRegion} allocate nothing.
 */
final class CpusetBinding implements DeviceBinding<CpusetState>, EngineMask {
  /** Engines and regions are kept in one {@code long} each. */
  static final int MAX_RESOURCES = Long.SIZE;

  private static final Logger LOG = LoggerFactory.getLogger(CpusetBinding.class);
  private static final Snapshot UNBOUND = new Snapshot(-1, new Effective[0], new CpusetState[0]);

  private final CpusetController controller;
  private final StateKey<CpusetState> key;
  private final DeviceSpec spec;
  private final long allEngines;
  private final long allRegions;
  /** States by slot, {@code null} for a free slot; hierarchy lock only. */
  private final List<CpusetState> slots = new ArrayList<>();
  private final CopyOnWriteArrayList<Subscription> listeners = new CopyOnWriteArrayList<>();
  private CpusetState root;
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
    int slot = slots.indexOf(null);
    if (slot < 0) {
      slot = slots.size();
      slots.add(null);
    }
    CpusetState state = new CpusetState(this, cgroup, parent, slot);
    slots.set(slot, state);
    if (parent == null) {
      root = state;
    } else {
      parent.children().add(state);
    }
    // a new cgroup is a member with empty sets: it changes nobody else's masks, and no client can
    // run in it yet, so there is nobody to tell
    rebuild(false);
    return state;
  }

  /** Takes a removed cgroup's state out of the tree; a partition gives its engines back. */
  void remove(CpusetState state) {
    Snapshot s = snapshot;
    if (s == UNBOUND || slots.get(state.slot()) != state) {
      return;
    }
    state.retire(s.of(state));
    slots.set(state.slot(), null);
    if (state.parent() == null) {
      root = null;
    } else {
      state.parent().children().remove(state);
    }
    rebuild(true);
  }

  /** Applies a new configuration to one state, republishes and notifies. Hierarchy lock. */
  void configure(CpusetState state, CpusetConfig config) {
    state.config(config);
    rebuild(true);
  }

  /** States by slot (with {@code null} gaps); hierarchy lock only. */
  List<CpusetState> states() {
    return slots;
  }

  private void rebuild(boolean notify) {
    Snapshot old = snapshot;
    if (old == UNBOUND) {
      return;
    }
    int n = slots.size();
    Effective[] effective = new Effective[n];
    CpusetState[] owners = new CpusetState[n];
    if (root != null) {
      MaskPropagation.compute(
          root,
          allEngines,
          allRegions,
          (state, e) -> {
            effective[state.slot()] = e;
            owners[state.slot()] = state;
          });
    }
    Snapshot next = new Snapshot(old.generation + 1, effective, owners);
    snapshot = next;
    if (notify && !listeners.isEmpty()) {
      for (CpusetState st : owners) {
        if (st != null && changed(old, next, st) && (st.isRoot() || !changed(old, next, st.parent()))) {
          tell(st.cgroup());
        }
      }
    }
  }

  private static boolean changed(Snapshot old, Snapshot next, CpusetState st) {
    Effective before = old.of(st);
    Effective after = next.of(st);
    return before != null
        && after != null
        && (before.cpus() != after.cpus() || before.mems() != after.mems());
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
