package io.cgdev.drm;

/**
 * Drops references to GEM objects (the kernel's {@code drm_gem_object_put}): the last one frees the
 * object and returns its charge. The port through which handles, dma-bufs and batches let go of an
 * object without knowing who keeps the objects. Called under the device lock.
 */
interface GemRefs {
  /** Drops one reference to {@code o}. */
  void put(GemObject o);
}
