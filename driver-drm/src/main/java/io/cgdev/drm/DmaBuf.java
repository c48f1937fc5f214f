package io.cgdev.drm;

import io.cgdev.api.Stability;

/**
 * An exported buffer (a dma-buf file): made by {@link DrmFile#exportPrime}, handed to another
 * client that {@link DrmFile#importPrime imports} it. Like a dma-buf fd it holds a reference to the
 * object until it is closed, so a live token keeps the object (and its charge) alive. Thread-safe.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class DmaBuf implements AutoCloseable {
  private final GemObject object;
  private final GemRefs refs;
  private boolean open = true;

  /** A token holding one reference to {@code object} (the caller took it), dropped through {@code refs}. */
  DmaBuf(GemObject object, GemRefs refs) {
    this.object = object;
    this.refs = refs;
  }

  /** The exported object. */
  public GemObject object() {
    return object;
  }

  /** Whether the token still holds its reference. */
  public boolean isOpen() {
    synchronized (object.lock) {
      return open;
    }
  }

  /** Drops the token's reference; idempotent. */
  @Override
  public void close() {
    synchronized (object.lock) {
      if (open) {
        open = false;
        object.dmaBufs--;
        refs.put(object);
      }
    }
  }

  @Override
  public String toString() {
    return "dma-buf(" + object + ")";
  }
}
