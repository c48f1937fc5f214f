package io.cgdev.api;

import java.util.Objects;

/**
 * The one error type of cgdev: an {@link Errno} and a message that names the path, the value and the
 * reason, e.g. {@code EBUSY: cannot remove /a: it has 2 tasks}. Unchecked, because every cgroup
 * operation may fail and callers usually pass the error on to the user unchanged.
 *
 * <p>An operation that throws it has changed nothing, unless its documentation says otherwise.
 */
@Stability(Stability.Status.STABLE)
public class CgroupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Errno errno;

  public CgroupException(Errno errno, String message) {
    super(message);
    this.errno = Objects.requireNonNull(errno, "errno");
  }

  public CgroupException(Errno errno, String message, Throwable cause) {
    super(message, cause);
    this.errno = Objects.requireNonNull(errno, "errno");
  }

  /** The error number a kernel would have returned for the same failure. */
  public Errno errno() {
    return errno;
  }

  /** Shorthand for {@code new CgroupException(errno, String.format(format, args))}. */
  public static CgroupException of(Errno errno, String format, Object... args) {
    return new CgroupException(errno, args.length == 0 ? format : String.format(format, args));
  }

  @Override
  public String toString() {
    return errno.name() + ": " + getMessage();
  }
}
