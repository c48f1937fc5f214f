package io.cgdev.drm;

import java.util.List;

/**
 * A batch a client submitted (the kernel's {@code drm_sched_job}): an engine class, the modelled
 * time it still needs, and the GEM objects it keeps active (referenced and not evictable) until it
 * completes or is cancelled. Guarded by the device lock.
 */
final class Batch {
  final SchedEntity entity;
  final String engineClass;
  long remaining;
  final List<GemObject> objects;

  Batch(SchedEntity entity, String engineClass, long remaining, List<GemObject> objects) {
    this.entity = entity;
    this.engineClass = engineClass;
    this.remaining = remaining;
    this.objects = objects;
  }
}
