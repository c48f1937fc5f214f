package io.cgdev.api.spi;

import io.cgdev.api.Stability;

/**
 * What a file's reader or writer knows about the open handle it serves: the open options and a slot
 * for per-handle state (e.g. {@code memory.peak}'s reset watermark). A handle is used by one thread at
 * a time.
 */
@Stability(Stability.Status.STABLE)
public interface FileHandle {
  /** As {@code O_NONBLOCK}: skip slow follow-up work such as reclaim after a limit write. */
  boolean nonBlocking();

  /** The modelled pid of the opener, 0 if the opener is not a task. */
  int callerPid();

  /** The per-handle state the file attached, or {@code null}. */
  Object attachment();

  /** Attaches per-handle state; it is dropped when the handle closes. */
  void attach(Object attachment);
}
