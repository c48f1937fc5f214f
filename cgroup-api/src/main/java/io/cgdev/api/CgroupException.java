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

  /**
   * For {@link #refusal}: an exception without a stack trace when {@code writableStackTrace} is false.
   *
   * @since 0.2
   */
  protected CgroupException(Errno errno, String message, boolean writableStackTrace) {
    super(message, null, true, writableStackTrace);
    this.errno = Objects.requireNonNull(errno, "errno");
  }

  /**
   * A refusal that is an expected outcome on a hot path, made without a stack trace: a limit doing
   * its job, as a charge refused at {@code memory.max} or a buffer that fits in no region. The errno
   * and the message say what was refused, where and why, as the kernel's error code does; the stack
   * would only show the caller's own path, and filling it in costs more than the refused operation
   * (a workload churning at its limit is refused thousands of times per second, and a driver may
   * catch one refusal and throw another). Anything else, in particular a bug or an unexpected
   * failure, keeps its stack trace: use the constructors.
   *
   * @since 0.2
   */
  public static CgroupException refusal(Errno errno, String message) {
    return new CgroupException(errno, message, false);
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
