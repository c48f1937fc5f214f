package io.cgdev.api;

import java.util.Objects;
import java.util.function.Supplier;

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

  /**
   * {@link #refusal(Errno, String)} whose message is built when it is first asked for: most refusals
   * on a hot path are counted and dropped unread (a workload retries later), and a message that names
   * paths, sizes and limits costs more to build than the refusal. {@code message} must capture the
   * values it reports when the refusal is made, not read them later; it is called at most once per
   * thread that asks and must not throw.
   *
   * @since 0.2
   */
  public static CgroupException refusal(Errno errno, Supplier<String> message) {
    return new LazyRefusal(errno, Objects.requireNonNull(message, "message"));
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

  /** {@link #refusal(Errno, Supplier)}: the message made on first use (a benign race: the supplier is pure). */
  private static final class LazyRefusal extends CgroupException {
    private static final long serialVersionUID = 1L;
    private final transient Supplier<String> supplier;
    private volatile String message;

    LazyRefusal(Errno errno, Supplier<String> supplier) {
      super(errno, null, false);
      this.supplier = supplier;
    }

    @Override
    public String getMessage() {
      String m = message;
      if (m == null) {
        m = supplier.get(); // two threads may both make it: the same text
        message = m;
      }
      return m;
    }

    /** Serialized as a plain refusal with its message made. */
    private Object writeReplace() {
      return new CgroupException(errno(), getMessage(), false);
    }
  }
}
