package io.cgdev.controller.cpuset;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Computes cgroups' {@link Effective} views of one device from the configuration alone, top down,
 * as the kernel's {@code update_cpumasks_hier} would settle it (local partitions only): a whole
 * subtree from the view its parent hands it ({@link #visit}), or one level ({@link #decide} and
 * {@link #childView}), which {@link CpusetBinding} uses to recompute only what a change can reach.
 *
 * <p>The result depends only on the configurations and the order of siblings (creation order); it
 * has no memory of earlier results. That is how the kernel behaves for every case below except one:
 * when several partitions under the root together would take all of the root's engines, the one
 * created last is refused here, where the kernel refuses the one that asked last.
 *
 * <p>Rules, per cgroup {@code c} with parent {@code p}:
 * <ul>
 *   <li>The root: all engines and regions; its exclusive set is all engines; always a valid
 *       partition root.
 *   <li>A requested partition root is valid when {@code p} is a valid partition root, its engines
 *       ({@code cpuset.cpus.exclusive}, else {@code cpuset.cpus}) are not empty, do not overlap any
 *       sibling's, share at least one engine with {@code p}'s exclusive set, and (under the root only)
 *       leave the root at least one engine. It is granted that overlap as its exclusive set, which is
 *       taken out of {@code p}'s effective engines; its own effective engines are its exclusive set
 *       minus what its child partitions take.
 *   <li>Everything else (members and invalid partition roots): effective engines are {@code
 *       cpuset.cpus} ∩ {@code p}'s effective engines, or {@code p}'s effective engines when that is
 *       empty or {@code cpuset.cpus} is empty; the exclusive effective set is {@code
 *       cpuset.cpus.exclusive} ∩ {@code p}'s exclusive effective set.
 *   <li>Regions: {@code cpuset.mems} ∩ {@code p}'s effective regions, or {@code p}'s when empty.
 * </ul>
 *
 * <p>Cost: a level costs one step per child plus a few bit operations per child that requests a
 * partition (the sibling overlap test reads the parent's per-engine counts); {@link #visit} of a
 * subtree is linear in its size and iterative (a deep tree does not overflow the stack). Runs under
 * the hierarchy lock (it reads the states' child collections).
 */
final class MaskPropagation {
  /** Receives the result for each state, parents before children. */
  @FunctionalInterface
  interface Sink {
    void accept(CpusetState state, Effective input, Effective effective);
  }

  /** What a level granted a child that requests a partition. */
  record Decision(PartitionError error, long granted) {}

  private MaskPropagation() {}

  /** The view the root hands itself: every engine and region, a valid partition. */
  static Effective rootInput(long allEngines, long allRegions) {
    return new Effective(allEngines, allRegions, allEngines, Partition.ROOT, null);
  }

  /**
   * Computes {@code top} and everything below it.
   *
   * @param input the view {@code top}'s parent hands it ({@link #rootInput} for the root), where
   *     {@code cpus} is still provisional for a valid partition root (its exclusive set, before its
   *     child partitions take theirs)
   */
  static void visit(CpusetState top, Effective input, Sink sink) {
    walk(top, input, sink, false);
  }

  /**
   * Recomputes {@code top}, whose configuration or input changed, and below it only the children
   * whose input changed: where a child is handed the view it was handed before ({@link
   * CpusetState#input}), nothing in its subtree can have changed, because only {@code top} and its
   * parent's level saw a new configuration.
   */
  static void update(CpusetState top, Effective input, Sink sink) {
    walk(top, input, sink, true);
  }

  private static void walk(CpusetState top, Effective input, Sink sink, boolean skipUnchanged) {
    ArrayDeque<CpusetState> states = new ArrayDeque<>();
    ArrayDeque<Effective> inputs = new ArrayDeque<>();
    states.push(top);
    inputs.push(input);
    while (!states.isEmpty()) {
      CpusetState s = states.pop();
      Effective in = inputs.pop();
      Map<CpusetState, Decision> decisions = s.partitionChildren().isEmpty() ? Map.of() : new IdentityHashMap<>();
      Effective own = decide(s, in, decisions);
      sink.accept(s, in, own);
      for (CpusetState c : s.children()) {
        Effective childInput = childView(c.config(), own, decisions.get(c));
        if (!skipUnchanged || !childInput.equals(c.input())) {
          states.push(c);
          inputs.push(childInput);
        }
      }
    }
  }

  /**
   * Decides the partition requests among {@code parent}'s children, in creation order, and returns
   * what {@code parent} keeps.
   *
   * @param input the view {@code parent} was handed
   * @param decisions receives one decision per child that requests a partition
   */
  static Effective decide(CpusetState parent, Effective input, Map<CpusetState, Decision> decisions) {
    long taken = 0;
    boolean isRoot = parent.isRoot();
    for (CpusetState c : parent.partitionChildren()) {
      long mine = c.config().userExclusive();
      PartitionError err = null;
      long x = 0;
      if (input.partition() == Partition.MEMBER) {
        err = PartitionError.PARENT_NOT_PARTITION;
      } else if (!input.validPartition()) {
        err = PartitionError.PARENT_INVALID;
      } else if (mine == 0) {
        err = PartitionError.CPUS_EMPTY;
      } else if (parent.exclusiveUsedBesides(mine, c)) {
        err = PartitionError.NOT_EXCLUSIVE;
      } else {
        x = mine & input.exclusive();
        if (x == 0) {
          err = PartitionError.INVALID_CPUS;
        } else if (isRoot && (input.cpus() & ~taken & ~x) == 0) {
          err = PartitionError.NO_CPUS;
        }
      }
      decisions.put(c, new Decision(err, err == null ? x : 0));
      if (err == null) {
        taken |= x;
      }
    }
    if (!input.validPartition() || taken == 0) {
      return input;
    }
    return new Effective(input.cpus() & ~taken, input.mems(), input.exclusive(), input.partition(), null);
  }

  /**
   * The view a parent that keeps {@code own} hands a child configured {@code c}.
   *
   * @param decision the level's decision for a child that requests a partition, null for a member
   */
  static Effective childView(CpusetConfig c, Effective own, Decision decision) {
    long mems = narrow(c.mems(), own.mems());
    if (c.partition() != Partition.MEMBER && decision != null && decision.error() == null) {
      return new Effective(decision.granted(), mems, decision.granted(), c.partition(), null);
    }
    return new Effective(
        narrow(c.cpus(), own.cpus()),
        mems,
        c.exclusive() & own.exclusive(),
        c.partition(),
        decision == null ? null : decision.error());
  }

  /** Own ∩ parent's, falling back to the parent's when that is empty (also for an empty own set). */
  static long narrow(long own, long parents) {
    long both = own & parents;
    return both != 0 ? both : parents;
  }
}
