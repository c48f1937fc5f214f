package io.cgdev.api;

/**
 * A registration that lasts until it is closed: a change listener, a watch. Closing twice is
 * harmless; close never throws.
 */
@Stability(value = Stability.Status.EXPERIMENTAL, since = "0.2")
@FunctionalInterface
public interface Subscription extends AutoCloseable {
  /** A subscription with nothing to end. */
  Subscription NONE = () -> {};

  /** Ends the registration; the listener is not called after this returns. Idempotent. */
  @Override
  void close();
}
