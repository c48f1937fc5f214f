package io.cgdev.fuse.internal;

/** Tells who sent the FUSE request that the current thread is serving. */
@FunctionalInterface
public interface CallerSource {
  /** Called on a FUSE worker thread, inside a request callback. */
  Caller current();
}
