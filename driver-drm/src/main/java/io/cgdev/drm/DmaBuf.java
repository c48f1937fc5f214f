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
  private boolean open = true;

  DmaBuf(GemObject object) {
    this.object = object;
  }

  /** The exported object. */
  public GemObject object() {
    return object;
  }

  /** Whether the token still holds its reference. */
  public boolean isOpen() {
    synchronized (object.device().lock) {
      return open;
    }
  }

  /** Drops the token's reference; idempotent. */
  @Override
  public void close() {
    synchronized (object.device().lock) {
      if (open) {
        open = false;
        object.device().unref(object);
      }
    }
  }

  @Override
  public String toString() {
    return "dma-buf(" + object + ")";
  }
}
