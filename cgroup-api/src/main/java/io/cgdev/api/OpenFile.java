package io.cgdev.api;

import java.time.Duration;

/**
 * An open interface file. Each {@link #read} returns the file's whole current content (cgroup files
 * are small and regenerated on every read, like kernfs seq files); each {@link #write} carries one
 * whole value. Not thread-safe: one handle belongs to one reader or writer at a time; open one handle
 * per thread, except {@link #changed}, {@link #awaitChange} and {@link #onChange}, which any thread may
 * call while another reads.
 *
 * <p><b>Change notification</b> (kernfs's {@code kernfs_notify} and {@code poll}): some files tell
 * their watchers when their content changes — {@code cgroup.events} (populated, frozen) and a
 * controller's event files such as {@code memory.events} and {@code memory.events.local}; counters
 * that change all the time, such as {@code cpu.stat}, never do (as in the kernel). A handle has seen
 * a change when the file was notified since the handle last read it from the start; a handle that has
 * not read yet has not seen the file at all, so it reports a change until its first read, as a kernel
 * file descriptor does ({@code poll} returns {@code POLLPRI|POLLERR} at once on a fresh descriptor).
 * A read clears it. A file view that does not notify (a test double) keeps the defaults below, which
 * fail with {@code EOPNOTSUPP}.
 */
@Stability(Stability.Status.STABLE)
public interface OpenFile extends AutoCloseable {
  /** The path this handle was opened with, normalised. */
  String path();

  /**
   * The whole current content: lines ending in a newline. A file with nothing to say may be empty,
   * as an empty {@code cgroup.procs} is in the kernel; an empty list value reads as {@code "\n"}.
   *
   * @throws CgroupException {@code EBADF} if not opened for reading or already closed; {@code
   *     ENODEV} if the file's device or cgroup went away since the open
   */
  String read();

  /**
   * Writes one value; surrounding whitespace and one trailing newline are ignored.
   *
   * @throws CgroupException {@code E2BIG} over 4096 bytes, {@code EINVAL}/{@code ERANGE} for a bad
   *     value, {@code EBADF} if not opened for writing or closed, and what the file documents
   */
  void write(String value);

  /**
   * Whether the file was notified since this handle last read it (or was opened, if it has not
   * read): what {@code poll(2)} with {@code POLLPRI} reports on a kernel cgroup file. Lock-free;
   * any thread.
   *
   * @throws CgroupException {@code EOPNOTSUPP} if the file view does not notify
   */
  default boolean changed() {
    throw CgroupException.of(Errno.EOPNOTSUPP, "%s: this file view does not notify changes", path());
  }

  /**
   * Blocks until {@link #changed()} is true, the handle is closed or the timeout passes: a {@code
   * poll(2)} on {@code POLLPRI} with a timeout. It does not read: call {@link #read()} to see the new
   * content and clear the change.
   *
   * @param timeout how long to wait at most; zero or negative does not wait
   * @return {@link #changed()} when it returns (false after a timeout or a close)
   * @throws InterruptedException if the waiting thread is interrupted
   * @throws CgroupException {@code EOPNOTSUPP} if the file view does not notify
   */
  default boolean awaitChange(Duration timeout) throws InterruptedException {
    throw CgroupException.of(Errno.EOPNOTSUPP, "%s: this file view does not notify changes", path());
  }

  /**
   * Calls {@code listener} each time the file is notified, until the subscription or the handle is
   * closed. The listener runs on the thread that made the change — a file writer, a driver charging
   * memory — which may hold the hierarchy lock or a driver's lock: it must return quickly, must not
   * block and must not call back into the file view (hand the work to a thread of your own, as the
   * FUSE mount does). A listener that throws is logged and kept.
   *
   * @throws CgroupException {@code EOPNOTSUPP} if the file view does not notify, {@code EBADF} if
   *     the handle is closed
   */
  default Subscription onChange(Runnable listener) {
    throw CgroupException.of(Errno.EOPNOTSUPP, "%s: this file view does not notify changes", path());
  }

  /** Releases the handle and any state it carries; idempotent. */
  @Override
  void close();
}
