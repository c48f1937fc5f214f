package io.cgdev.api;

/**
 * The Linux error numbers that cgroup files and cgdev operations report. The numbers are the x86-64
 * Linux values, so that a file system front end (FUSE) can hand them to the kernel unchanged.
 */
@Stability(Stability.Status.STABLE)
public enum Errno {
  EPERM(1, "Operation not permitted"),
  ENOENT(2, "No such file or directory"),
  ESRCH(3, "No such process"),
  /**
   * A plugin (controller or driver) failed inside an operation (its code threw where the SPI does not
   * allow it), or a state file could not be read or written.
   */
  EIO(5, "Input/output error"),
  E2BIG(7, "Argument list too long"),
  EBADF(9, "Bad file descriptor"),
  EAGAIN(11, "Resource temporarily unavailable"),
  ENOMEM(12, "Cannot allocate memory"),
  EACCES(13, "Permission denied"),
  EBUSY(16, "Device or resource busy"),
  EEXIST(17, "File exists"),
  EXDEV(18, "Invalid cross-device link"),
  ENODEV(19, "No such device"),
  ENOTDIR(20, "Not a directory"),
  EISDIR(21, "Is a directory"),
  EINVAL(22, "Invalid argument"),
  ENOSPC(28, "No space left on device"),
  ERANGE(34, "Numerical result out of range"),
  ENAMETOOLONG(36, "File name too long"),
  ENOTEMPTY(39, "Directory not empty"),
  EOPNOTSUPP(95, "Operation not supported");

  private final int number;
  private final String description;

  Errno(int number, String description) {
    this.number = number;
    this.description = description;
  }

  /** The positive Linux error number, e.g. 22 for {@link #EINVAL}. */
  public int number() {
    return number;
  }

  /** The C library's text for this error, as {@code strerror(3)} prints it. */
  public String description() {
    return description;
  }
}
