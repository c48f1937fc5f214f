package io.cgdev.drm.sim;

/**
 * A batch a client submitted (the kernel's {@code drm_sched_job}): an engine class, the modelled
 * time it still needs, and what to do when it completes or is cancelled (the DRM model releases the
 * buffers it kept active). Guarded by the device lock.
 */
final class Batch {
  /** The index of its engine class, as {@link Engine#classIndex}. */
  final int engineClass;
  long remaining;
  private final Runnable done;

  Batch(int engineClass, long remaining, Runnable done) {
    this.engineClass = engineClass;
    this.remaining = remaining;
    this.done = done;
  }

  /** The batch completed or was cancelled. */
  void finish() {
    done.run();
  }
}
