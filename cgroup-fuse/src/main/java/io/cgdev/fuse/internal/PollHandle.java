package io.cgdev.fuse.internal;

/**
 * A kernel poller waiting on one open file (libfuse's {@code struct fuse_pollhandle}): handed over
 * with a {@code poll} request when a client is about to wait, woken once with {@link #wake} when the
 * file becomes ready, after which the kernel polls again (handing over a new one if the client still
 * waits). Each handle is woken or discarded exactly once; both are idempotent.
 *
 * <p>Thread-safe. {@link #wake} calls into the session, so it must not be called after the session
 * was destroyed: the {@link ChangeNotifier} that calls it stops before then.
 */
interface PollHandle {
  /** Wakes the poller and frees the handle. */
  void wake();

  /** Frees the handle without waking anyone (a newer poll replaced it, the file closed). */
  void discard();
}
