package io.cgdev.fuse.client;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * How cgroup clients wait for a file to change, made through libc as they make it, so that the same
 * calls run against the mount and against the host kernel's cgroup2:
 *
 * <ul>
 *   <li>{@link #pollPri}: {@code poll(2)} on {@code POLLPRI} (what systemd and most tools do);
 *   <li>{@link #epollPri}: the same through {@code epoll(7)};
 *   <li>{@link #prepareForWait} and {@link #waitFor}: the kernel selftests' helpers of
 *       tools/testing/selftests/cgroup/lib/cgroup_util.c, call for call: {@code cg_prepare_for_wait}
 *       opens an inotify instance ({@code inotify_init1(0)}) and watches the file for {@code
 *       IN_MODIFY}; {@code cg_wait_for} polls that descriptor for {@code POLLIN} with a 10 s timeout,
 *       again and again (also on {@code EINTR}) until it is readable.
 * </ul>
 *
 * Thread-safe; the errno of each call is captured with it.
 */
public final class Waiters {
  public static final short POLLIN = 0x001;
  public static final short POLLPRI = 0x002;
  public static final short POLLERR = 0x008;
  private static final int IN_MODIFY = 0x002;
  private static final int EPOLL_CTL_ADD = 1;
  private static final int EPOLLPRI = 0x002;
  private static final int EINTR = 4;
  /** {@code struct pollfd}: {@code int fd; short events; short revents;}. */
  private static final long POLLFD_SIZE = 8;
  /** {@code struct epoll_event}, packed on x86-64: {@code uint32_t events; uint64_t data;}. */
  private static final long EPOLL_EVENT_SIZE = 12;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final MemoryLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
  private static final ValueLayout P = ValueLayout.ADDRESS;
  private static final MethodHandle POLL = function("poll", FunctionDescriptor.of(I, P, ValueLayout.JAVA_LONG, I));
  private static final MethodHandle INOTIFY_INIT1 = function("inotify_init1", FunctionDescriptor.of(I, I));
  private static final MethodHandle INOTIFY_ADD_WATCH = function("inotify_add_watch", FunctionDescriptor.of(I, I, P, I));
  private static final MethodHandle EPOLL_CREATE1 = function("epoll_create1", FunctionDescriptor.of(I, I));
  private static final MethodHandle EPOLL_CTL = function("epoll_ctl", FunctionDescriptor.of(I, I, I, I, P));
  private static final MethodHandle EPOLL_WAIT = function("epoll_wait", FunctionDescriptor.of(I, I, P, I, I));

  private Waiters() {}

  // restricted FFM calls are this class's purpose; tests run with --enable-native-access
  @SuppressWarnings("restricted")
  private static MethodHandle function(String name, FunctionDescriptor descriptor) {
    MemorySegment symbol = LINKER.defaultLookup().find(name)
        .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    return LINKER.downcallHandle(symbol, descriptor, Linker.Option.captureCallState("errno"));
  }

  /**
   * {@code poll({fd, events}, 1, timeoutMillis)}, once.
   *
   * @return the returned events ({@code revents}), 0 on a timeout, or {@code -errno}
   */
  public static int poll(int fd, short events, int timeoutMillis) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CAPTURE);
      MemorySegment pfd = arena.allocate(POLLFD_SIZE, 4);
      pfd.set(I, 0, fd);
      pfd.set(ValueLayout.JAVA_SHORT, 4, events);
      int r = (int) POLL.invokeExact(state, pfd, 1L, timeoutMillis);
      if (r < 0) {
        return -(int) ERRNO.get(state, 0L);
      }
      return r == 0 ? 0 : pfd.get(ValueLayout.JAVA_SHORT, 6) & 0xffff;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@link #poll} for {@code POLLPRI}, as a cgroup client waits on {@code cgroup.events}. */
  public static int pollPri(int fd, int timeoutMillis) {
    return poll(fd, POLLPRI, timeoutMillis);
  }

  /**
   * An epoll instance watching {@code fd} for {@code EPOLLPRI}, waited on once: {@code
   * epoll_create1(0)}, {@code epoll_ctl(ADD)}, {@code epoll_wait(timeoutMillis)}, close.
   *
   * @return the events reported, 0 on a timeout, or {@code -errno}
   */
  public static int epollPri(int fd, int timeoutMillis) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CAPTURE);
      int ep = (int) EPOLL_CREATE1.invokeExact(state, 0);
      if (ep < 0) {
        return -(int) ERRNO.get(state, 0L);
      }
      try {
        MemorySegment ev = arena.allocate(EPOLL_EVENT_SIZE, 4);
        ev.set(I, 0, EPOLLPRI);
        if ((int) EPOLL_CTL.invokeExact(state, ep, EPOLL_CTL_ADD, fd, ev) < 0) {
          return -(int) ERRNO.get(state, 0L);
        }
        MemorySegment out = arena.allocate(EPOLL_EVENT_SIZE, 4);
        int n = (int) EPOLL_WAIT.invokeExact(state, ep, out, 1, timeoutMillis);
        if (n < 0) {
          return -(int) ERRNO.get(state, 0L);
        }
        return n == 0 ? 0 : out.get(I, 0);
      } finally {
        Libc.close(ep);
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code cg_prepare_for_wait}: {@code inotify_init1(0)}, then {@code inotify_add_watch(fd, file,
   * IN_MODIFY)}; on a failure the descriptor is closed.
   *
   * @return the inotify descriptor, or -1
   */
  public static int prepareForWait(String file) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CAPTURE);
      int fd = (int) INOTIFY_INIT1.invokeExact(state, 0);
      if (fd == -1) {
        return fd;
      }
      MemorySegment path = arena.allocateFrom(file, StandardCharsets.UTF_8);
      if ((int) INOTIFY_ADD_WATCH.invokeExact(state, fd, path, IN_MODIFY) == -1) {
        Libc.close(fd);
        return -1;
      }
      return fd;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code cg_wait_for}: polls {@code fd} for {@code POLLIN} with a 10 s timeout until it is readable,
   * going round again on a timeout and on {@code EINTR}.
   *
   * @return 0 once readable, -1 on another error
   */
  public static int waitFor(int fd) {
    while (true) {
      int r = poll(fd, POLLIN, 10_000);
      if (r == -EINTR) {
        continue;
      }
      if (r < 0) {
        return -1;
      }
      if (r > 0 && (r & POLLIN) != 0) {
        return 0;
      }
    }
  }
}
