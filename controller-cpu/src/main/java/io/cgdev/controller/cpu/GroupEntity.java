package io.cgdev.controller.cpu;

/**
 * A cgroup on one engine: its entity in the parent group's queue and the queue of its own active
 * children. Invariant (under the binding's lock): a non-root group entity is queued exactly when its
 * queue is not empty and its group is not throttled.
 */
final class GroupEntity extends SchedEntity {
  final CpuState group;
  final RunQueue queue;

  GroupEntity(CpuState group, RunQueue parentQueue, long seq) {
    super(parentQueue, seq);
    this.group = group;
    this.queue = new RunQueue(this);
  }

  @Override
  long load() {
    return group.load;
  }
}
