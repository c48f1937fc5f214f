package io.cgdev.fuse.client;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The system calls a client of a file system makes, straight to libc through the FFM API, with the
 * errno each one sets: what {@code java.nio} hides (a descriptor's {@code fstat}, {@code ftruncate}
 * to 0, {@code fsync} and {@code close} results, exact errnos). Depends on the JDK only, so that a
 * child JVM run as another user needs nothing but this package's class files.
 *
 * <p>Every call returns an {@link Outcome}. Thread-safe: the errno is captured per call.
 */
public final class Libc {
  public static final int O_RDONLY = 0;
  public static final int O_WRONLY = 1;
  public static final int O_RDWR = 2;
  private static final long STAT_SIZE = 144;
  private static final long STAT_MODE = 24;
  private static final long STAT_NLINK = 16;
  private static final long STAT_FILE_SIZE = 48;

  private static final Map<Integer, String> NAMES = Map.ofEntries(
      Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(3, "ESRCH"), Map.entry(4, "EINTR"),
      Map.entry(5, "EIO"), Map.entry(7, "E2BIG"), Map.entry(9, "EBADF"), Map.entry(11, "EAGAIN"),
      Map.entry(12, "ENOMEM"), Map.entry(13, "EACCES"), Map.entry(16, "EBUSY"), Map.entry(17, "EEXIST"),
      Map.entry(19, "ENODEV"), Map.entry(20, "ENOTDIR"), Map.entry(21, "EISDIR"), Map.entry(22, "EINVAL"),
      Map.entry(28, "ENOSPC"), Map.entry(34, "ERANGE"), Map.entry(36, "ENAMETOOLONG"), Map.entry(38, "ENOSYS"),
      Map.entry(39, "ENOTEMPTY"), Map.entry(95, "EOPNOTSUPP"), Map.entry(103, "ECONNABORTED"),
      Map.entry(107, "ENOTCONN"), Map.entry(116, "ESTALE"));

  private static final Linker LINKER = Linker.nativeLinker();
  private static final MemoryLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
  private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;
  private static final ValueLayout P = ValueLayout.ADDRESS;

  /** {@code open} is variadic: the mode is its first variadic argument. */
  private static final MethodHandle OPEN = function("open", FunctionDescriptor.of(I, P, I, I),
      Linker.Option.firstVariadicArg(2));
  private static final MethodHandle READ = function("read", FunctionDescriptor.of(L, I, P, L));
  private static final MethodHandle PREAD = function("pread", FunctionDescriptor.of(L, I, P, L, L));
  private static final MethodHandle WRITE = function("write", FunctionDescriptor.of(L, I, P, L));
  private static final MethodHandle FSTAT = function("fstat", FunctionDescriptor.of(I, I, P));
  private static final MethodHandle FTRUNCATE = function("ftruncate", FunctionDescriptor.of(I, I, L));
  private static final MethodHandle FSYNC = function("fsync", FunctionDescriptor.of(I, I));
  private static final MethodHandle CLOSE = function("close", FunctionDescriptor.of(I, I));
  private static final MethodHandle MKDIR = function("mkdir", FunctionDescriptor.of(I, P, I));
  private static final MethodHandle RMDIR = function("rmdir", FunctionDescriptor.of(I, P));

  private Libc() {}

  /** What one call did: {@code ok} (with what it returned, when that matters) or the errno's name. */
  public record Outcome(int result, String errno, String detail) {
    public boolean ok() {
      return errno == null;
    }

    /** {@code ok}, {@code ok:<detail>} or the errno name: the form tests compare. */
    @Override
    public String toString() {
      return ok() ? (detail.isEmpty() ? "ok" : "ok:" + detail) : errno;
    }

    /** The same outcome without its detail (e.g. "ok" for any successful read). */
    public String kind() {
      return ok() ? "ok" : errno;
    }
  }

  // restricted FFM calls are this class's purpose; tests run with --enable-native-access
  @SuppressWarnings("restricted")
  private static MethodHandle function(String name, FunctionDescriptor descriptor, Linker.Option... more) {
    MemorySegment symbol = LINKER.defaultLookup().find(name)
        .or(() -> SymbolLookup.loaderLookup().find(name))
        .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    Linker.Option[] options = java.util.Arrays.copyOf(more, more.length + 1);
    options[more.length] = Linker.Option.captureCallState("errno");
    return LINKER.downcallHandle(symbol, descriptor, options);
  }

  private static Outcome outcome(long result, MemorySegment state, String detail) {
    if (result >= 0) {
      return new Outcome((int) result, null, detail);
    }
    int errno = (int) ERRNO.get(state, 0L);
    return new Outcome((int) result, NAMES.getOrDefault(errno, "errno" + errno), "");
  }

  @FunctionalInterface
  private interface Call {
    long run(MemorySegment state, Arena arena) throws Throwable;
  }

  private static Outcome call(Call call) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CAPTURE);
      long result = call.run(state, arena);
      return outcome(result, state, "");
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code open(path, flags)}; on success {@link Outcome#result} is the descriptor. */
  public static Outcome open(String path, int flags) {
    return call((s, a) -> (int) OPEN.invokeExact(s, a.allocateFrom(path), flags, 0));
  }

  /** {@code read(fd, buf, max)}; on success the detail is the text read. */
  public static Outcome read(int fd, int max) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CAPTURE);
      MemorySegment buf = arena.allocate(max);
      long n = (long) READ.invokeExact(state, fd, buf, (long) max);
      String text = n > 0 ? new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8) : "";
      return outcome(n, state, n >= 0 ? text : "");
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code pread(fd, buf, max, offset)}; on success the detail is the text read. */
  public static Outcome pread(int fd, int max, long offset) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CAPTURE);
      MemorySegment buf = arena.allocate(max);
      long n = (long) PREAD.invokeExact(state, fd, buf, (long) max, offset);
      String text = n > 0 ? new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8) : "";
      return outcome(n, state, n >= 0 ? text : "");
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code write(fd, text)}: one write of all of it. */
  public static Outcome write(int fd, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return call((s, a) -> (long) WRITE.invokeExact(s, fd, a.allocateFrom(ValueLayout.JAVA_BYTE, bytes), (long) bytes.length));
  }

  /** {@code fstat(fd)}; on success the detail is {@code mode=<octal> size=<n> nlink=<n>}. */
  public static Outcome fstat(int fd) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CAPTURE);
      MemorySegment st = arena.allocate(STAT_SIZE, 8);
      int r = (int) FSTAT.invokeExact(state, fd, st);
      String detail = r == 0 ? "mode=" + Integer.toOctalString(st.get(I, STAT_MODE)) + " size="
          + st.get(L, STAT_FILE_SIZE) + " nlink=" + st.get(L, STAT_NLINK) : "";
      return outcome(r, state, detail);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  public static Outcome ftruncate(int fd, long size) {
    return call((s, a) -> (int) FTRUNCATE.invokeExact(s, fd, size));
  }

  public static Outcome fsync(int fd) {
    return call((s, a) -> (int) FSYNC.invokeExact(s, fd));
  }

  public static Outcome close(int fd) {
    return call((s, a) -> (int) CLOSE.invokeExact(s, fd));
  }

  public static Outcome mkdir(String path) {
    return call((s, a) -> (int) MKDIR.invokeExact(s, a.allocateFrom(path), 0755));
  }

  public static Outcome rmdir(String path) {
    return call((s, a) -> (int) RMDIR.invokeExact(s, a.allocateFrom(path)));
  }
}
