package io.cgdev.controller.cpuset;

/**
 * One published generation of a device's effective masks: every state's {@link Effective}, by the
 * state's slot, and the engines of valid isolated partitions. Immutable once published: a new
 * generation is a new object that shares the unchanged part of the table with this one ({@link
 * SlotTable}), so a reader that loads it once sees one consistent tree.
 */
final class Snapshot {
  static final Snapshot EMPTY = new Snapshot(0, SlotTable.empty(), 0);

  /** Increases by one per publication; lets tests and listeners tell generations apart. */
  final long generation;

  private final SlotTable<Entry> entries;
  private final long isolated;

  /** One state's view in a generation; the owner tells a reused slot's states apart. */
  record Entry(CpusetState owner, Effective effective) {}

  Snapshot(long generation, SlotTable<Entry> entries, long isolated) {
    this.generation = generation;
    this.entries = entries;
    this.isolated = isolated;
  }

  /**
   * {@code cpuset.cpus.isolated}: the engines valid isolated partitions keep for themselves (their
   * effective engines, so not those they handed on to child partitions of their own).
   */
  long isolated() {
    return isolated;
  }

  /** The view of {@code state} in this generation, or {@code null} if it is not part of it. */
  Effective of(CpusetState state) {
    Entry e = entries.get(state.slot());
    // a slot may be reused by a later state: the owner check keeps a late reader of a removed
    // cgroup from seeing its successor's masks
    return e != null && e.owner() == state ? e.effective() : null;
  }

  /** The table, for the next generation to start from. */
  SlotTable<Entry> entries() {
    return entries;
  }
}
