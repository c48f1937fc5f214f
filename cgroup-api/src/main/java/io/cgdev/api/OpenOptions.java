package io.cgdev.api;

/**
 * How a file is opened.
 *
 * @param read open for reading
 * @param write open for writing
 * @param nonBlocking as {@code O_NONBLOCK}: a write skips slow follow-up work (e.g. the reclaim after
 *     lowering {@code memory.max})
 * @param callerPid the modelled pid of the opener, used where a file means "the writer" (writing
 *     {@code 0} to {@code cgroup.procs}); 0 when the opener is not a modelled task
 */
@Stability(Stability.Status.STABLE)
public record OpenOptions(boolean read, boolean write, boolean nonBlocking, int callerPid) {
  public static final OpenOptions READ = new OpenOptions(true, false, false, 0);
  public static final OpenOptions WRITE = new OpenOptions(false, true, false, 0);
  public static final OpenOptions READ_WRITE = new OpenOptions(true, true, false, 0);

  public OpenOptions {
    if (!read && !write) {
      throw new CgroupException(Errno.EINVAL, "a file must be opened for reading, writing or both");
    }
    if (callerPid < 0) {
      throw CgroupException.of(Errno.EINVAL, "invalid caller pid %d", callerPid);
    }
  }

  public OpenOptions withNonBlocking() {
    return new OpenOptions(read, write, true, callerPid);
  }

  public OpenOptions withCaller(int pid) {
    return new OpenOptions(read, write, nonBlocking, pid);
  }
}
