package io.cgdev.controller.cpuset;

/**
 * One published generation of a device's effective masks: every state's {@link Effective}, indexed
 * by the state's slot. Immutable once published (the arrays are never written after construction),
 * so a reader that loads it once sees one consistent tree.
 */
final class Snapshot {
  static final Snapshot EMPTY = new Snapshot(0, new Effective[0], new CpusetState[0]);

  /** Increases by one per publication; lets tests and listeners tell generations apart. */
  final long generation;

  private final Effective[] effective;
  private final CpusetState[] owners;

  Snapshot(long generation, Effective[] effective, CpusetState[] owners) {
    this.generation = generation;
    this.effective = effective;
    this.owners = owners;
  }

  /**
   * {@code cpuset.cpus.isolated}: the engines valid isolated partitions keep for themselves (their
   * effective engines, so not those they handed on to child partitions of their own).
   */
  long isolated() {
    long mask = 0;
    for (Effective e : effective) {
      if (e != null && e.validPartition() && e.partition() == Partition.ISOLATED) {
        mask |= e.cpus();
      }
    }
    return mask;
  }

  /** The view of {@code state} in this generation, or {@code null} if it is not part of it. */
  Effective of(CpusetState state) {
    int slot = state.slot();
    // a slot may be reused by a later state: the owner check keeps a late reader of a removed
    // cgroup from seeing its successor's masks
    return slot < owners.length && owners[slot] == state ? effective[slot] : null;
  }
}
