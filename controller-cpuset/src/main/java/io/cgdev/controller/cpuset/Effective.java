package io.cgdev.controller.cpuset;

/**
 * The derived, published view of one cgroup for one device. Immutable.
 *
 * @param cpus {@code cpuset.cpus.effective}: the engines the cgroup may use
 * @param mems {@code cpuset.mems.effective}: the regions the cgroup may use
 * @param exclusive {@code cpuset.cpus.exclusive.effective}
 * @param partition the requested partition state
 * @param error why the requested partition root is invalid, {@code null} if it is valid (or a member)
 */
record Effective(long cpus, long mems, long exclusive, Partition partition, PartitionError error) {

  /** True for the root cgroup and for partition roots whose request could be granted. */
  boolean validPartition() {
    return partition != Partition.MEMBER && error == null;
  }

  /** The content of {@code cpuset.cpus.partition}, without the newline. */
  String partitionText() {
    if (error == null) {
      return partition.word();
    }
    return partition.word() + " invalid (" + error.reason() + ")";
  }
}
