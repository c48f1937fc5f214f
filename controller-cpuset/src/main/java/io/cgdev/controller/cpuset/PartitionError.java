package io.cgdev.controller.cpuset;

/**
 * Why a requested partition root is invalid: the kernel's reasons (its {@code perr_strings}) that
 * make sense for engines. Shown as {@code root invalid (<reason>)}.
 */
enum PartitionError {
  /** The exclusive engines it asks for are not among those its parent can grant. */
  INVALID_CPUS("Invalid cpu list in cpuset.cpus.exclusive"),
  /** Its parent asked to be a partition root but is invalid itself. */
  PARENT_INVALID("Parent is an invalid partition root"),
  /** Its parent is a member; cgdev has local partitions only. */
  PARENT_NOT_PARTITION("Parent is not a partition root"),
  /** Its engines overlap those a sibling uses or reserves. */
  NOT_EXCLUSIVE("Cpu list in cpuset.cpus not exclusive"),
  /** Granting its engines would leave the root cgroup (which may hold tasks) without any. */
  NO_CPUS("Parent unable to distribute cpu downstream"),
  /** Neither {@code cpuset.cpus} nor {@code cpuset.cpus.exclusive} names an engine. */
  CPUS_EMPTY("cpuset.cpus and cpuset.cpus.exclusive are empty");

  private final String reason;

  PartitionError(String reason) {
    this.reason = reason;
  }

  String reason() {
    return reason;
  }
}
