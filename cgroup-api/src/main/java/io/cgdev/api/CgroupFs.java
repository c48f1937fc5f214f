package io.cgdev.api;

import java.util.List;
import java.util.function.Consumer;

/**
 * The file view of a cgroup hierarchy: the one door through which users, the CLI, the shell and the
 * FUSE mount read and change it. Paths are absolute and name folders (cgroups and per-device
 * folders) and interface files, e.g. {@code /tenant-a/memory.devices/i915.0/memory.max}.
 *
 * <p>Every method is thread-safe. Every failure is a {@link CgroupException} with the errno a kernel
 * cgroupfs would return ({@code ENOENT} for a missing path, {@code ENOTDIR}/{@code EISDIR} for the
 * wrong kind, {@code EACCES} for a write to a read-only file, {@code EINVAL}/{@code ERANGE} for a bad
 * value, {@code E2BIG} for a write over 4096 bytes, ...); a failed operation changes nothing. A
 * write is one write(2): an empty one changes nothing and succeeds, the file sees the value up to
 * its first NUL and without the kernel's surrounding white space ({@link KernelText}), and each
 * character of a value in {@code \u0000..\u00ff} stands for one byte.
 *
 * <p>Watching files: open one and wait on the handle ({@link OpenFile#changed}, {@link
 * OpenFile#awaitChange}, {@link OpenFile#onChange}), as a kernel client polls a descriptor; or watch
 * the whole tree without opening anything ({@link #onChange(Consumer)}), as inotify's {@code
 * IN_MODIFY} does.
 */
@Stability(Stability.Status.STABLE)
public interface CgroupFs {
  /** The most bytes one write may carry, as for kernfs. */
  int MAX_WRITE_BYTES = 4096;

  /**
   * Lists a folder, sorted by name.
   *
   * @throws CgroupException {@code ENOENT}, {@code ENOTDIR}
   */
  List<FsEntry> list(String path);

  /**
   * Describes one entry.
   *
   * @throws CgroupException {@code ENOENT}
   */
  FsEntry stat(String path);

  /**
   * Opens an interface file. The handle may carry state of its own (see {@code memory.peak}) and
   * must be closed.
   *
   * @throws CgroupException {@code ENOENT}, {@code EISDIR}, {@code EACCES} when opening a read-only
   *     file for writing
   */
  OpenFile open(String path, OpenOptions options);

  /** Opens, reads the whole file, closes. */
  default String read(String path) {
    try (OpenFile file = open(path, OpenOptions.READ)) {
      return file.read();
    }
  }

  /** Opens, writes one value, closes. */
  default void write(String path, String value) {
    try (OpenFile file = open(path, OpenOptions.WRITE)) {
      file.write(value);
    }
  }

  /**
   * Creates a cgroup.
   *
   * @throws CgroupException {@code EEXIST} (an entry of that name is in the folder), {@code ENOENT}
   *     (missing parent), {@code EINVAL} (a name with a newline, {@code .}/{@code ..}), {@code
   *     ENAMETOOLONG} (a path of 4096 bytes or more), {@code EAGAIN} (an ancestor's {@code
   *     cgroup.max.depth} or {@code cgroup.max.descendants} would be passed), {@code EPERM} (not a
   *     cgroup folder)
   */
  void mkdir(String path);

  /**
   * Removes an empty cgroup.
   *
   * @throws CgroupException {@code EBUSY} (tasks or child cgroups, or the root, which cannot be
   *     removed, as rmdir of a mount point is {@code EBUSY}), {@code ENOENT}, {@code EPERM} (a folder
   *     that is not a cgroup)
   */
  void rmdir(String path);

  /**
   * Calls {@code listener} with the path of every file notified anywhere in the tree, from now until
   * the subscription is closed: what inotify's {@code IN_MODIFY} reports for a kernel cgroup file
   * that kernfs notifies ({@code cgroup.events}, {@code memory.events}, ...; see {@link OpenFile}).
   * The listener runs on the thread that made the change, which may hold the hierarchy lock or a
   * driver's lock: it must return quickly, must not block and must not call back into the file view.
   * Paths are in this view's normal form ({@code /a/cgroup.events}). A listener that throws is logged
   * and kept.
   *
   * @throws CgroupException {@code EOPNOTSUPP} if the file view does not notify
   */
  default Subscription onChange(Consumer<String> listener) {
    throw new CgroupException(Errno.EOPNOTSUPP, "this file view does not notify changes");
  }
}
