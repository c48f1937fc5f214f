package io.cgdev.testkit;

import io.cgdev.api.Stability;
import io.cgdev.api.spi.FileHandle;

/**
 * An open handle on an interface file, as a file's reader or writer sees it: the open options and a
 * slot for per-handle state (e.g. {@code memory.peak}'s reset watermark). Keep one and pass it to
 * several reads and writes to model one open file; {@link FakeRegistration}'s calls without a handle
 * open a fresh one each time. Used by one thread at a time, as the SPI says.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class FakeFileHandle implements FileHandle {
  private final boolean nonBlocking;
  private final int callerPid;
  private Object attachment;

  /** A blocking handle opened by no task (pid 0). */
  public FakeFileHandle() {
    this(false, 0);
  }

  /**
   * @param nonBlocking as {@code O_NONBLOCK}: the writer should skip slow follow-up work
   * @param callerPid the modelled pid of the opener, 0 if it is not a task
   */
  public FakeFileHandle(boolean nonBlocking, int callerPid) {
    this.nonBlocking = nonBlocking;
    this.callerPid = callerPid;
  }

  /** A non-blocking handle opened by no task. */
  public static FakeFileHandle openNonBlocking() {
    return new FakeFileHandle(true, 0);
  }

  @Override
  public boolean nonBlocking() {
    return nonBlocking;
  }

  @Override
  public int callerPid() {
    return callerPid;
  }

  @Override
  public Object attachment() {
    return attachment;
  }

  @Override
  public void attach(Object attachment) {
    this.attachment = attachment;
  }
}
