package io.cgdev.drm.sim;

import io.cgdev.api.spi.EngineSpec;

/**
 * One engine (a ring with its own {@code drm_gpu_scheduler} in the kernel): its index, which is
 * the number cpuset and {@code TimeSharing} use, the batch running on it and whose it is, when its
 * slice ends, up to when its time was reported, and the round-robin cursor used without a cpu
 * controller. Guarded by the device lock.
 */
final class Engine {
  final int index;
  /** The index of its engine class among the device's classes, in engine order. */
  final int classIndex;
  final EngineSpec spec;
  Batch running;
  /** The entity {@link #running} belongs to. */
  SchedEntity runningFor;
  long sliceEnd;
  long accountedUntil;
  /** The client id picked last by round-robin. */
  long rrLast;

  Engine(int index, int classIndex, EngineSpec spec) {
    this.index = index;
    this.classIndex = classIndex;
    this.spec = spec;
  }

  String engineClass() {
    return spec.engineClass();
  }

  /** Starts {@code b} of {@code s}, which runs nowhere else now. */
  void start(SchedEntity s, Batch b) {
    assert s.running == null : "an entity runs on one engine at a time";
    running = b;
    runningFor = s;
    s.running = this;
  }

  /** Clears the running batch. */
  void stop() {
    runningFor.running = null;
    running = null;
    runningFor = null;
  }
}
