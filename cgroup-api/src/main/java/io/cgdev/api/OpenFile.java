package io.cgdev.api;

/**
 * An open interface file. Each {@link #read} returns the file's whole current content (cgroup files
 * are small and regenerated on every read, like kernfs seq files); each {@link #write} carries one
 * whole value. Not thread-safe: one handle belongs to one reader or writer at a time; open one handle
 * per thread.
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

  /** Releases the handle and any state it carries; idempotent. */
  @Override
  void close();
}
