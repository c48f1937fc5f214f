package io.cgdev.controller.cpuset;

import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceState;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cpuset state of one cgroup for one device (the kernel's struct cpuset). Holds what was written
 * ({@link CpusetConfig}, a volatile immutable value) and its place in the tree; what it may use is
 * published by its {@link CpusetBinding} in one snapshot for the whole device.
 *
 * <p>For the binding's incremental recomputation it also keeps, under the hierarchy lock: the view
 * its parent hands it ({@link #input}) and the view it was last published with ({@link #current}),
 * and about its children, which of them request a partition (in creation order) and how many of
 * them name each engine in their {@link CpusetConfig#userExclusive() exclusive request}, so that
 * the sibling exclusivity rule costs a few bit operations instead of a walk over every sibling.
 *
 * <p>The child collections, the slot and those fields change only under the hierarchy lock; {@link
 * #config()} and {@link #effective()} may be read from any thread.
 */
final class CpusetState implements DeviceState {
  /** Siblings in creation order. */
  private static final Comparator<CpusetState> CREATION = Comparator.comparingLong(s -> s.seq);

  private final CpusetBinding binding;
  private final CgroupHandle cgroup;
  private final CpusetState parent;
  private final int slot;
  /** Creation order among every state of the binding. */
  private final long seq;
  /** Children in creation order; null until the first; hierarchy lock only. */
  private Set<CpusetState> children;
  /** Children whose requested partition is not member, in creation order; null when none. */
  private TreeSet<CpusetState> partitionChildren;
  /** Per engine: how many children name it in their exclusive request; null until one does. */
  private int[] exclusiveUse;
  /** The view the parent's level hands this state (the root's: everything); hierarchy lock only. */
  private Effective input;
  /** The view published for this state last; hierarchy lock only. */
  private Effective current;

  private volatile CpusetConfig config = CpusetConfig.DEFAULT;
  /** The last view it had, once it left the tree; read by late readers of a removed cgroup. */
  private volatile Effective retired;

  CpusetState(CpusetBinding binding, CgroupHandle cgroup, CpusetState parent, int slot, long seq) {
    this.binding = binding;
    this.cgroup = cgroup;
    this.parent = parent;
    this.slot = slot;
    this.seq = seq;
  }

  CpusetBinding binding() {
    return binding;
  }

  CgroupHandle cgroup() {
    return cgroup;
  }

  CpusetState parent() {
    return parent;
  }

  boolean isRoot() {
    return parent == null;
  }

  int slot() {
    return slot;
  }

  /** Children in creation order; hierarchy lock only. */
  Collection<CpusetState> children() {
    return children == null ? Set.of() : children;
  }

  /** Children that request a partition, in creation order; hierarchy lock only. */
  Collection<CpusetState> partitionChildren() {
    return partitionChildren == null ? Set.of() : partitionChildren;
  }

  /** Whether some child names one of {@code engines} in its exclusive request, besides {@code except}. */
  boolean exclusiveUsedBesides(long engines, CpusetState except) {
    if (exclusiveUse == null) {
      return false;
    }
    long own = except.config().userExclusive();
    for (long rest = engines; rest != 0; rest &= rest - 1) {
      int engine = Long.numberOfTrailingZeros(rest);
      int others = exclusiveUse[engine] - ((own >>> engine & 1) != 0 ? 1 : 0);
      if (others > 0) {
        return true;
      }
    }
    return false;
  }

  /** A new child with the default configuration. Hierarchy lock. */
  void addChild(CpusetState child) {
    if (children == null) {
      children = new LinkedHashSet<>();
    }
    children.add(child);
    track(child, null, child.config());
  }

  /** A child leaves the tree. Hierarchy lock. */
  void removeChild(CpusetState child) {
    if (children != null) {
      children.remove(child);
    }
    track(child, child.config(), null);
  }

  /** A child's configuration changes from {@code before} to {@code after}. Hierarchy lock. */
  void childConfigured(CpusetState child, CpusetConfig before, CpusetConfig after) {
    track(child, before, after);
  }

  private void track(CpusetState child, CpusetConfig before, CpusetConfig after) {
    count(before == null ? 0 : before.userExclusive(), -1);
    count(after == null ? 0 : after.userExclusive(), +1);
    boolean wasPartition = before != null && before.partition() != Partition.MEMBER;
    boolean isPartition = after != null && after.partition() != Partition.MEMBER;
    if (wasPartition && !isPartition) {
      partitionChildren.remove(child);
    } else if (isPartition && !wasPartition) {
      if (partitionChildren == null) {
        partitionChildren = new TreeSet<>(CREATION);
      }
      partitionChildren.add(child);
    }
  }

  private void count(long engines, int delta) {
    if (engines == 0) {
      return;
    }
    if (exclusiveUse == null) {
      exclusiveUse = new int[Long.SIZE];
    }
    for (long rest = engines; rest != 0; rest &= rest - 1) {
      exclusiveUse[Long.numberOfTrailingZeros(rest)] += delta;
    }
  }

  Effective input() {
    return input;
  }

  void input(Effective value) {
    this.input = value;
  }

  Effective current() {
    return current;
  }

  void current(Effective value) {
    this.current = value;
  }

  CpusetConfig config() {
    return config;
  }

  void config(CpusetConfig value) {
    this.config = value;
  }

  Effective retired() {
    return retired;
  }

  void retire(Effective last) {
    this.retired = last;
  }

  /** What this cgroup may use now. Lock-free. */
  Effective effective() {
    return binding.effectiveOf(this);
  }

  /** The cgroup's path, for messages. */
  String path() {
    return cgroup.path().toString();
  }

  @Override
  public void offline() {
    binding.remove(this);
  }

  @Override
  public String toString() {
    return "CpusetState[" + path() + "]";
  }
}
