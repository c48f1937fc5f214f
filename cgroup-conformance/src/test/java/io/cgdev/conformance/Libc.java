package io.cgdev.conformance;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The few libc calls the harness makes, through the FFM API, each answering the real errno
 * ({@code Linker.Option.captureCallState("errno")}): Java's NIO maps errnos to exceptions lossily
 * ({@code EINVAL} and {@code EBUSY} both become an {@code IOException} with a message), and the
 * harness compares errnos.
 *
 * <p>Paths and data are bytes: a name or a value is written exactly as given. x86-64 Linux with
 * glibc; {@link #available()} says whether this is such a machine. Thread-safe (each call uses its
 * own confined arena).
 */
final class Libc {
  static final int O_RDONLY = 0;
  static final int O_WRONLY = 1;
  static final int O_RDWR = 2;
  static final int O_DIRECTORY = 0200000;
  static final int O_CLOEXEC = 02000000;
  static final int S_IFMT = 0170000;
  static final int S_IFDIR = 0040000;
  static final int S_IFREG = 0100000;

  /** Linux x86-64 errno names, for outcomes: what the harness compares and prints. */
  private static final Map<Integer, String> ERRNO_NAMES = Map.ofEntries(
      Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(3, "ESRCH"), Map.entry(4, "EINTR"),
      Map.entry(5, "EIO"), Map.entry(6, "ENXIO"), Map.entry(7, "E2BIG"), Map.entry(9, "EBADF"),
      Map.entry(11, "EAGAIN"), Map.entry(12, "ENOMEM"), Map.entry(13, "EACCES"), Map.entry(14, "EFAULT"),
      Map.entry(16, "EBUSY"), Map.entry(17, "EEXIST"), Map.entry(18, "EXDEV"), Map.entry(19, "ENODEV"),
      Map.entry(20, "ENOTDIR"), Map.entry(21, "EISDIR"), Map.entry(22, "EINVAL"), Map.entry(24, "EMFILE"),
      Map.entry(27, "EFBIG"), Map.entry(28, "ENOSPC"), Map.entry(30, "EROFS"), Map.entry(34, "ERANGE"),
      Map.entry(36, "ENAMETOOLONG"), Map.entry(38, "ENOSYS"), Map.entry(39, "ENOTEMPTY"), Map.entry(40, "ELOOP"),
      Map.entry(61, "ENODATA"), Map.entry(95, "EOPNOTSUPP"), Map.entry(107, "ENOTCONN"));

  /** {@code struct stat} on x86-64: the fields compared (mode, link count, size, owner). */
  private static final long STAT_SIZE = 144;
  private static final long ST_NLINK = 16;
  private static final long ST_MODE = 24;
  private static final long ST_UID = 28;
  private static final long ST_GID = 32;
  private static final long ST_SIZE = 48;
  /** {@code struct dirent}: {@code d_ino, d_off, d_reclen, d_type, d_name[256]}. */
  private static final long D_RECLEN = 16;
  private static final long D_NAME = 19;
  private static final int AT_FDCWD = -100;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

  private static final MethodHandle OPEN = downcall("open", FunctionDescriptor.of(ValueLayout.JAVA_INT,
      ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
  private static final MethodHandle READ = downcall("read", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
      ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
  private static final MethodHandle WRITE = downcall("write", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
      ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
  private static final MethodHandle LSEEK = downcall("lseek", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
      ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
  private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
  private static final MethodHandle MKDIR = downcall("mkdir", FunctionDescriptor.of(ValueLayout.JAVA_INT,
      ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
  private static final MethodHandle RMDIR = downcall("rmdir", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
  private static final MethodHandle FSTATAT = downcall("fstatat", FunctionDescriptor.of(ValueLayout.JAVA_INT,
      ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
  private static final MethodHandle FSTAT = downcall("fstat", FunctionDescriptor.of(ValueLayout.JAVA_INT,
      ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
  private static final MethodHandle OPENDIR = downcall("opendir", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
  private static final MethodHandle READDIR = downcall("readdir", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
  private static final MethodHandle CLOSEDIR = downcall("closedir", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
  private static final MethodHandle GETEUID = downcall("geteuid", FunctionDescriptor.of(ValueLayout.JAVA_INT));
  /** readdir signals an error only through errno, so errno must be 0 before it: glibc's {@code __errno_location}. */
  private static final MethodHandle ERRNO_LOCATION = downcall("__errno_location", FunctionDescriptor.of(ValueLayout.ADDRESS));

  private Libc() {}

  /** Why these calls cannot work here, or null: x86-64 Linux only (the struct offsets above). */
  static String unavailableReason() {
    String os = System.getProperty("os.name", "");
    String arch = System.getProperty("os.arch", "");
    if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      return "the harness's libc calls are for x86-64 Linux, this is " + os + "/" + arch;
    }
    return null;
  }

  // the harness's purpose is to call libc; surefire grants native access to the class path
  @SuppressWarnings("restricted")
  private static MethodHandle downcall(String name, FunctionDescriptor fd) {
    if (unavailableReason() != null) {
      return null;
    }
    MemorySegment symbol = LINKER.defaultLookup().find(name)
        .or(() -> SymbolLookup.loaderLookup().find(name)).orElseThrow(() -> new IllegalStateException("libc has no " + name));
    boolean noErrno = name.equals("geteuid") || name.equals("__errno_location");
    return noErrno ? LINKER.downcallHandle(symbol, fd) : LINKER.downcallHandle(symbol, fd, CAPTURE_ERRNO);
  }

  /** The name of an errno ({@code EINVAL}), or {@code errno N} for one without a name here. */
  static String errnoName(int errno) {
    return ERRNO_NAMES.getOrDefault(errno, "errno " + errno);
  }

  /** A call's result: a non-negative value, or -1 with the errno. */
  record Result(long value, int errno) {
    boolean ok() {
      return value >= 0;
    }

    String error() {
      return errnoName(errno);
    }
  }

  /** What {@link #stat} finds: the file type bits and permission bits, link count, size, owner. */
  record StatInfo(int mode, long nlink, long size, int uid, int gid) {
    boolean isDirectory() {
      return (mode & S_IFMT) == S_IFDIR;
    }
  }

  static int geteuid() {
    try {
      return (int) GETEUID.invokeExact();
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  static Result open(byte[] path, int flags) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(CAPTURE);
      int fd = (int) OPEN.invokeExact(state, cString(a, path), flags | O_CLOEXEC, 0);
      return result(fd, state);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  static Result close(int fd) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(CAPTURE);
      return result((int) CLOSE.invokeExact(state, fd), state);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** lseek(fd, offset, SEEK_SET). */
  static Result rewind(int fd) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(CAPTURE);
      return result((long) LSEEK.invokeExact(state, fd, 0L, 0), state);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads until end of file; the bytes, or the first failing read's errno. */
  static Object readAll(int fd) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(CAPTURE);
      MemorySegment buf = a.allocate(65536);
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      for (int rounds = 0; rounds < 64; rounds++) {
        long n = (long) READ.invokeExact(state, fd, buf, buf.byteSize());
        if (n < 0) {
          return result(n, state);
        }
        if (n == 0) {
          break;
        }
        out.write(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
      }
      return out.toByteArray();
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** One write(2) of exactly these bytes. */
  static Result write(int fd, byte[] data) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(CAPTURE);
      MemorySegment buf = a.allocate(Math.max(1, data.length));
      MemorySegment.copy(data, 0, buf, ValueLayout.JAVA_BYTE, 0, data.length);
      return result((long) WRITE.invokeExact(state, fd, buf, (long) data.length), state);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  static Result mkdir(byte[] path, int mode) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(CAPTURE);
      return result((int) MKDIR.invokeExact(state, cString(a, path), mode), state);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  static Result rmdir(byte[] path) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(CAPTURE);
      return result((int) RMDIR.invokeExact(state, cString(a, path)), state);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** stat(2) (fstatat, following links): the info, or a failed {@link Result}. */
  static Object stat(byte[] path) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(CAPTURE);
      MemorySegment st = a.allocate(STAT_SIZE, 8);
      int rc = (int) FSTATAT.invokeExact(state, AT_FDCWD, cString(a, path), st, 0);
      return rc < 0 ? result(rc, state) : statInfo(st);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** fstat(2) of an open descriptor. */
  static Object fstat(int fd) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(CAPTURE);
      MemorySegment st = a.allocate(STAT_SIZE, 8);
      int rc = (int) FSTAT.invokeExact(state, fd, st);
      return rc < 0 ? result(rc, state) : statInfo(st);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static StatInfo statInfo(MemorySegment st) {
    return new StatInfo(st.get(ValueLayout.JAVA_INT, ST_MODE), st.get(ValueLayout.JAVA_LONG, ST_NLINK),
        st.get(ValueLayout.JAVA_LONG, ST_SIZE), st.get(ValueLayout.JAVA_INT, ST_UID), st.get(ValueLayout.JAVA_INT, ST_GID));
  }

  /** The names in a folder (without {@code .} and {@code ..}), as bytes; or a failed {@link Result}. */
  // readdir returns a pointer into the DIR stream; reading its name needs a reinterpret
  @SuppressWarnings("restricted")
  static Object list(byte[] path) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(CAPTURE);
      MemorySegment dir = (MemorySegment) OPENDIR.invokeExact(state, cString(a, path));
      if (dir.equals(MemorySegment.NULL)) {
        return result(-1, state);
      }
      List<byte[]> names = new ArrayList<>();
      try {
        while (true) {
          MemorySegment errnoLocation = (MemorySegment) ERRNO_LOCATION.invokeExact();
          errnoLocation.reinterpret(Integer.BYTES).set(ValueLayout.JAVA_INT, 0, 0);
          MemorySegment entry = (MemorySegment) READDIR.invokeExact(state, dir);
          if (entry.equals(MemorySegment.NULL)) {
            int errno = (int) ERRNO.get(state, 0L);
            if (errno != 0) {
              return new Result(-1, errno);
            }
            break;
          }
          // kernfs names may be longer than glibc's d_name[256]: the record's length bounds the name
          int reclen = Short.toUnsignedInt(entry.reinterpret(D_RECLEN + 2).get(ValueLayout.JAVA_SHORT_UNALIGNED, D_RECLEN));
          MemorySegment name = entry.reinterpret(reclen).asSlice(D_NAME);
          byte[] bytes = name.getString(0, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1);
          if (!(bytes.length == 1 && bytes[0] == '.') && !(bytes.length == 2 && bytes[0] == '.' && bytes[1] == '.')) {
            names.add(bytes);
          }
        }
      } finally {
        int ignored = (int) CLOSEDIR.invokeExact(state, dir);
      }
      return names;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static MemorySegment cString(Arena a, byte[] path) {
    MemorySegment s = a.allocate(path.length + 1L);
    MemorySegment.copy(path, 0, s, ValueLayout.JAVA_BYTE, 0, path.length);
    s.set(ValueLayout.JAVA_BYTE, path.length, (byte) 0);
    return s;
  }

  private static Result result(long rc, MemorySegment state) {
    return rc < 0 ? new Result(-1, (int) ERRNO.get(state, 0L)) : new Result(rc, 0);
  }
}
