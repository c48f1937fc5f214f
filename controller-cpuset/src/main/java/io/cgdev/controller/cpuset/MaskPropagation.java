package io.cgdev.controller.cpuset;

import java.util.List;

/**
 * Computes every cgroup's {@link Effective} view of one device from the configuration alone, top
 * down, as the kernel's {@code update_cpumasks_hier} would settle it (local partitions only).
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
 * <p>Runs under the hierarchy lock (it reads the states' child lists).
 */
final class MaskPropagation {
  /** Receives the result for each state, parents before children. */
  @FunctionalInterface
  interface Sink {
    void accept(CpusetState state, Effective effective);
  }

  private MaskPropagation() {}

  /** Computes the whole tree under {@code root} (the root cgroup's state). */
  static void compute(CpusetState root, long allEngines, long allRegions, Sink sink) {
    visit(root, new Effective(allEngines, allRegions, allEngines, Partition.ROOT, null), sink);
  }

  /**
   * @param pe the parent's view, where {@code cpus} is still provisional for a valid partition root
   *     (its exclusive set, before its child partitions take theirs)
   */
  private static void visit(CpusetState parent, Effective pe, Sink sink) {
    List<CpusetState> kids = parent.children();
    int n = kids.size();
    CpusetConfig[] cfg = new CpusetConfig[n];
    for (int i = 0; i < n; i++) {
      cfg[i] = kids.get(i).config();
    }
    PartitionError[] errors = new PartitionError[n];
    long[] granted = new long[n];
    long taken = 0;
    boolean isRoot = parent.isRoot();
    for (int i = 0; i < n; i++) {
      if (cfg[i].partition() == Partition.MEMBER) {
        continue;
      }
      PartitionError err = null;
      long x = 0;
      if (pe.partition() == Partition.MEMBER) {
        err = PartitionError.PARENT_NOT_PARTITION;
      } else if (!pe.validPartition()) {
        err = PartitionError.PARENT_INVALID;
      } else if (cfg[i].userExclusive() == 0) {
        err = PartitionError.CPUS_EMPTY;
      } else if (overlapsSibling(cfg, i)) {
        err = PartitionError.NOT_EXCLUSIVE;
      } else {
        x = cfg[i].userExclusive() & pe.exclusive();
        if (x == 0) {
          err = PartitionError.INVALID_CPUS;
        } else if (isRoot && (pe.cpus() & ~taken & ~x) == 0) {
          err = PartitionError.NO_CPUS;
        }
      }
      errors[i] = err;
      if (err == null) {
        granted[i] = x;
        taken |= x;
      }
    }
    Effective own =
        pe.validPartition()
            ? new Effective(pe.cpus() & ~taken, pe.mems(), pe.exclusive(), pe.partition(), null)
            : pe;
    sink.accept(parent, own);
    for (int i = 0; i < n; i++) {
      CpusetConfig c = cfg[i];
      long mems = narrow(c.mems(), own.mems());
      Effective ke;
      if (c.partition() != Partition.MEMBER && errors[i] == null) {
        ke = new Effective(granted[i], mems, granted[i], c.partition(), null);
      } else {
        ke =
            new Effective(
                narrow(c.cpus(), own.cpus()),
                mems,
                c.exclusive() & own.exclusive(),
                c.partition(),
                errors[i]);
      }
      visit(kids.get(i), ke, sink);
    }
  }

  /** Own ∩ parent's, falling back to the parent's when that is empty (also for an empty own set). */
  static long narrow(long own, long parents) {
    long both = own & parents;
    return both != 0 ? both : parents;
  }

  private static boolean overlapsSibling(CpusetConfig[] cfg, int i) {
    long mine = cfg[i].userExclusive();
    for (int j = 0; j < cfg.length; j++) {
      if (j != i && (cfg[j].userExclusive() & mine) != 0) {
        return true;
      }
    }
    return false;
  }
}
