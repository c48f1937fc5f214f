package io.cgdev.sim;

/**
 * What a tenant's workloads did with their buffers, which no interface file knows about: buffers
 * allocated, allocations refused, buffers evicted from their preferred region. One per tenant;
 * written by its streams and read by the runner, on the simulating thread only.
 */
final class TenantStats {
  long allocations;
  long failed;
  long evictions;

  /** Adds {@code other}'s counts to these (a parent sums its children). */
  void add(TenantStats other) {
    allocations += other.allocations;
    failed += other.failed;
    evictions += other.evictions;
  }
}
