package io.cgdev.controller.cpuset;

/**
 * What a user wrote into one cgroup's files for one device: engine and region bit masks (bit i is
 * engine or region i) and the requested partition state. Immutable; a state swaps in a new one per
 * write.
 *
 * @param cpus {@code cpuset.cpus}; 0 means "as the parent"
 * @param mems {@code cpuset.mems}; 0 means "as the parent"
 * @param exclusive {@code cpuset.cpus.exclusive}; 0 means "not set"
 * @param partition {@code cpuset.cpus.partition} as written
 */
record CpusetConfig(long cpus, long mems, long exclusive, Partition partition) {
  static final CpusetConfig DEFAULT = new CpusetConfig(0, 0, 0, Partition.MEMBER);

  /**
   * The engines this cgroup would take as a partition root (the kernel's user_xcpus): its exclusive
   * set when one is set, else its {@code cpuset.cpus}.
   */
  long userExclusive() {
    return exclusive != 0 ? exclusive : cpus;
  }

  CpusetConfig withCpus(long value) {
    return new CpusetConfig(value, mems, exclusive, partition);
  }

  CpusetConfig withMems(long value) {
    return new CpusetConfig(cpus, value, exclusive, partition);
  }

  CpusetConfig withExclusive(long value) {
    return new CpusetConfig(cpus, mems, value, partition);
  }

  CpusetConfig withPartition(Partition value) {
    return new CpusetConfig(cpus, mems, exclusive, value);
  }
}
