package io.cgdev.fuse.internal;

import io.cgdev.api.CgroupException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libfuse's {@code struct fuse_lowlevel_ops}, filled with native stubs that call a {@link
 * FuseFileSystem} and send its answer back: the one place where C pointers become Java values.
 *
 * <p>Every request gets exactly one reply. Whatever the file system throws becomes the reply's
 * errno — a {@link CgroupException} its own, anything else (a bug, an {@link Error}) {@code EIO},
 * logged — because an exception escaping an upcall would end the JVM, and with it the mount.
 * While a request is served, {@link RequestContext} tells the file system who sent it.
 *
 * <p>Built once per mount; the stubs live as long as the {@link Arena} given to {@link #table}, which
 * must outlive every request libfuse may still serve.
 */
final class FuseUpcalls {
  private static final Logger LOG = LoggerFactory.getLogger(FuseUpcalls.class);
  static final int EIO = 5;
  /** Attributes and entries may be cached by the kernel this long, as libfuse's path API does by default. */
  static final double TIMEOUT_SECONDS = 0.0;

  private static final ValueLayout P = ValueLayout.ADDRESS;
  private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
  private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;

  /** How replies reach libfuse; {@link NativeReplies} in a mount, a recorder in tests. */
  interface Replies {
    void err(MemorySegment req, int errno);

    void none(MemorySegment req);

    void entry(MemorySegment req, FuseFileSystem.Entry entry);

    void attr(MemorySegment req, long ino, Attributes attributes);

    void open(MemorySegment req, MemorySegment fi);

    void write(MemorySegment req, long count);

    void data(MemorySegment req, MemorySegment buf, long count);

    /** Packs {@code names} (the listing from {@code offset} on) into at most {@code size} bytes and replies. */
    void directory(MemorySegment req, List<String> names, long offset, long size);

    /** Replies to a {@code poll} with the events ready now. */
    void poll(MemorySegment req, int revents);

    /** The Java side of a poll handle libfuse handed over ({@code ph} is not NULL). */
    PollHandle pollHandle(MemorySegment ph);
  }

  private final FuseFileSystem fs;
  private final Replies replies;
  private final RequestContext context;
  private final Runnable afterInit;
  private final ThreadLocal<MemorySegment> readBuffers = new ThreadLocal<>();

  /** {@code afterInit} runs once {@code fs}'s {@code init} has: the mount answers from then on. */
  FuseUpcalls(FuseFileSystem fs, Replies replies, RequestContext context, Runnable afterInit) {
    this.fs = fs;
    this.replies = replies;
    this.context = context;
    this.afterInit = afterInit;
  }

  /** The native signature of each operation cgdev binds (slot order in {@link NativeLayout.Op}). */
  private static Map<NativeLayout.Op, FunctionDescriptor> descriptors() {
    Map<NativeLayout.Op, FunctionDescriptor> d = new EnumMap<>(NativeLayout.Op.class);
    d.put(NativeLayout.Op.INIT, FunctionDescriptor.ofVoid(P, P));
    d.put(NativeLayout.Op.DESTROY, FunctionDescriptor.ofVoid(P));
    d.put(NativeLayout.Op.LOOKUP, FunctionDescriptor.ofVoid(P, L, P));
    d.put(NativeLayout.Op.FORGET, FunctionDescriptor.ofVoid(P, L, L));
    d.put(NativeLayout.Op.GETATTR, FunctionDescriptor.ofVoid(P, L, P));
    d.put(NativeLayout.Op.SETATTR, FunctionDescriptor.ofVoid(P, L, P, I, P));
    d.put(NativeLayout.Op.MKNOD, FunctionDescriptor.ofVoid(P, L, P, I, L));
    d.put(NativeLayout.Op.MKDIR, FunctionDescriptor.ofVoid(P, L, P, I));
    d.put(NativeLayout.Op.UNLINK, FunctionDescriptor.ofVoid(P, L, P));
    d.put(NativeLayout.Op.RMDIR, FunctionDescriptor.ofVoid(P, L, P));
    d.put(NativeLayout.Op.SYMLINK, FunctionDescriptor.ofVoid(P, P, L, P));
    d.put(NativeLayout.Op.RENAME, FunctionDescriptor.ofVoid(P, L, P, L, P, I));
    d.put(NativeLayout.Op.LINK, FunctionDescriptor.ofVoid(P, L, L, P));
    d.put(NativeLayout.Op.OPEN, FunctionDescriptor.ofVoid(P, L, P));
    d.put(NativeLayout.Op.READ, FunctionDescriptor.ofVoid(P, L, L, L, P));
    d.put(NativeLayout.Op.WRITE, FunctionDescriptor.ofVoid(P, L, P, L, L, P));
    d.put(NativeLayout.Op.RELEASE, FunctionDescriptor.ofVoid(P, L, P));
    d.put(NativeLayout.Op.OPENDIR, FunctionDescriptor.ofVoid(P, L, P));
    d.put(NativeLayout.Op.READDIR, FunctionDescriptor.ofVoid(P, L, L, L, P));
    d.put(NativeLayout.Op.RELEASEDIR, FunctionDescriptor.ofVoid(P, L, P));
    d.put(NativeLayout.Op.CREATE, FunctionDescriptor.ofVoid(P, L, P, I, P));
    d.put(NativeLayout.Op.POLL, FunctionDescriptor.ofVoid(P, L, P, P));
    return d;
  }

  /**
   * Allocates the operations table in {@code arena} with a stub for every bound operation; slots
   * left NULL get libfuse's default (e.g. {@code statfs}) or {@code ENOSYS}. {@code flush} and {@code
   * fsync} are left NULL on purpose: the kernel asks once, gets {@code ENOSYS}, and from then on
   * answers {@code close} and {@code fsync} with success without asking — what a file system whose
   * every write is applied at once should answer, one round trip less per close.
   */
  // restricted FFM calls are this class's purpose; the launcher grants native access to io.cgdev.fuse
  @SuppressWarnings("restricted")
  MemorySegment table(Arena arena) {
    MemorySegment table = arena.allocate(NativeLayout.OPERATIONS_SIZE, 8);
    Linker linker = Linker.nativeLinker();
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    for (Map.Entry<NativeLayout.Op, FunctionDescriptor> e : descriptors().entrySet()) {
      MethodType type = e.getValue().toMethodType();
      String name = e.getKey().name().toLowerCase(Locale.ROOT);
      MethodHandle target;
      try {
        target = lookup.findVirtual(FuseUpcalls.class, name, type).bindTo(this);
      } catch (ReflectiveOperationException ex) {
        throw new IllegalStateException("no upcall method for " + e.getKey() + " " + type, ex);
      }
      table.set(ValueLayout.ADDRESS, e.getKey().offset(), linker.upcallStub(target, e.getValue(), arena));
    }
    return table;
  }

  // ---------------------------------------------------------------- conversions

  /** A C string (a name in a folder). */
  // restricted FFM calls are this class's purpose; the launcher grants native access to io.cgdev.fuse
  @SuppressWarnings("restricted")
  static String string(MemorySegment cString) {
    return cString.reinterpret(Long.MAX_VALUE).getString(0);
  }

  /** The request's file info, or null where libfuse passes none. */
  // restricted FFM calls are this class's purpose; the launcher grants native access to io.cgdev.fuse
  @SuppressWarnings("restricted")
  static FileInfo fileInfo(MemorySegment fi) {
    return fi.equals(MemorySegment.NULL) ? null : new FileInfo(fi.reinterpret(NativeLayout.FILE_INFO_SIZE));
  }

  /** One request's work: computes the answer and returns how to send it. */
  @FunctionalInterface
  private interface Work {
    Reply run() throws Throwable;
  }

  @FunctionalInterface
  private interface Reply {
    void send(MemorySegment req);
  }

  private static Reply ok(Replies r) {
    return req -> r.err(req, 0);
  }

  /** Serves one request: runs the work with the request as context, then sends exactly one reply. */
  private void serve(MemorySegment req, String operation, Work work) {
    Reply reply;
    context.enter(req);
    try {
      reply = work.run();
    } catch (CgroupException e) {
      int errno = e.errno().number();
      reply = r -> replies.err(r, errno);
    } catch (Throwable e) {
      log(operation, e);
      reply = r -> replies.err(r, EIO);
    } finally {
      context.leave();
    }
    try {
      reply.send(req);
    } catch (Throwable e) {
      log(operation + " reply", e);
    }
  }

  private static void log(String operation, Throwable e) {
    try {
      LOG.error("FUSE {} failed; answered EIO and carried on", operation, e);
    } catch (Throwable ignored) {
      // nothing may escape an upcall, not even a failing logger
    }
  }

  // ---------------------------------------------------------------- the stubs' targets

  void init(MemorySegment userdata, MemorySegment conn) {
    try {
      fs.init();
      afterInit.run();
    } catch (Throwable e) {
      log("init", e);
    }
  }

  void destroy(MemorySegment userdata) {
    try {
      fs.destroy();
    } catch (Throwable e) {
      log("destroy", e);
    }
  }

  void lookup(MemorySegment req, long parent, MemorySegment name) {
    serve(req, "lookup", () -> {
      FuseFileSystem.Entry entry = fs.lookup(parent, string(name));
      return r -> replies.entry(r, entry);
    });
  }

  void forget(MemorySegment req, long ino, long count) {
    try {
      fs.forget(ino, count);
    } catch (Throwable e) {
      log("forget", e);
    }
    try {
      replies.none(req);
    } catch (Throwable e) {
      log("forget reply", e);
    }
  }

  void getattr(MemorySegment req, long ino, MemorySegment fi) {
    serve(req, "getattr", () -> {
      Attributes a = fs.getattr(ino, fileInfo(fi));
      return r -> replies.attr(r, ino, a);
    });
  }

  // restricted FFM calls are this class's purpose; the launcher grants native access to io.cgdev.fuse
  @SuppressWarnings("restricted")
  void setattr(MemorySegment req, long ino, MemorySegment attr, int toSet, MemorySegment fi) {
    serve(req, "setattr", () -> {
      MemorySegment st = attr.reinterpret(NativeLayout.STAT_SIZE);
      FuseFileSystem.Changes changes = new FuseFileSystem.Changes(toSet, st.get(I, NativeLayout.STAT_MODE),
          st.get(I, NativeLayout.STAT_UID), st.get(I, NativeLayout.STAT_GID), st.get(L, NativeLayout.STAT_SIZE_FIELD));
      Attributes a = fs.setattr(ino, changes, fileInfo(fi));
      return r -> replies.attr(r, ino, a);
    });
  }

  void mknod(MemorySegment req, long parent, MemorySegment name, int mode, long rdev) {
    refuse(req, "mknod");
  }

  void mkdir(MemorySegment req, long parent, MemorySegment name, int mode) {
    serve(req, "mkdir", () -> {
      FuseFileSystem.Entry entry = fs.mkdir(parent, string(name), mode);
      return r -> replies.entry(r, entry);
    });
  }

  void unlink(MemorySegment req, long parent, MemorySegment name) {
    refuse(req, "unlink");
  }

  void rmdir(MemorySegment req, long parent, MemorySegment name) {
    serve(req, "rmdir", () -> {
      fs.rmdir(parent, string(name));
      return ok(replies);
    });
  }

  void symlink(MemorySegment req, MemorySegment link, long parent, MemorySegment name) {
    refuse(req, "symlink");
  }

  void rename(MemorySegment req, long parent, MemorySegment name, long newParent, MemorySegment newName, int flags) {
    refuse(req, "rename");
  }

  void link(MemorySegment req, long ino, long newParent, MemorySegment newName) {
    refuse(req, "link");
  }

  void create(MemorySegment req, long parent, MemorySegment name, int mode, MemorySegment fi) {
    refuse(req, "create");
  }

  private void refuse(MemorySegment req, String operation) {
    serve(req, operation, () -> {
      int errno = fs.refusal(operation);
      return r -> replies.err(r, errno);
    });
  }

  void open(MemorySegment req, long ino, MemorySegment fi) {
    opened(req, "open", fi, info -> fs.open(ino, info));
  }

  void opendir(MemorySegment req, long ino, MemorySegment fi) {
    opened(req, "opendir", fi, info -> fs.opendir(ino, info));
  }

  /** open and opendir: the file system checks and keeps what it needs, the reply hands back {@code fi}. */
  private void opened(MemorySegment req, String operation, MemorySegment fi, Consumer<FileInfo> open) {
    serve(req, operation, () -> {
      open.accept(fileInfo(fi));
      return r -> replies.open(r, fi);
    });
  }

  void read(MemorySegment req, long ino, long size, long offset, MemorySegment fi) {
    serve(req, "read", () -> {
      MemorySegment buf = readBuffer(size);
      ByteBuffer buffer = buf.asByteBuffer();
      buffer.limit((int) Math.min(size, buf.byteSize()));
      int n = fs.read(ino, buffer, offset, fileInfo(fi));
      return r -> replies.data(r, buf, n);
    });
  }

  /** A worker thread's read buffer, kept between requests (cgroup files are small; it grows if asked). */
  private MemorySegment readBuffer(long size) {
    MemorySegment buf = readBuffers.get();
    if (buf == null || buf.byteSize() < size) {
      buf = Arena.ofAuto().allocate(Math.max(size, 64 * 1024));
      readBuffers.set(buf);
    }
    return buf;
  }

  // restricted FFM calls are this class's purpose; the launcher grants native access to io.cgdev.fuse
  @SuppressWarnings("restricted")
  void write(MemorySegment req, long ino, MemorySegment buf, long size, long offset, MemorySegment fi) {
    serve(req, "write", () -> {
      ByteBuffer data = buf.reinterpret(size).asByteBuffer().asReadOnlyBuffer();
      int n = fs.write(ino, data, offset, fileInfo(fi));
      return r -> replies.write(r, n);
    });
  }

  void release(MemorySegment req, long ino, MemorySegment fi) {
    serve(req, "release", () -> {
      fs.release(ino, fileInfo(fi));
      return ok(replies);
    });
  }

  void readdir(MemorySegment req, long ino, long size, long offset, MemorySegment fi) {
    serve(req, "readdir", () -> {
      List<String> names = fs.readdir(ino, offset == 0, fileInfo(fi));
      List<String> rest = offset >= names.size() ? List.of() : names.subList((int) offset, names.size());
      return r -> replies.directory(r, rest, offset, size);
    });
  }

  void poll(MemorySegment req, long ino, MemorySegment fi, MemorySegment ph) {
    PollHandle handle = ph.equals(MemorySegment.NULL) ? null : replies.pollHandle(ph);
    serve(req, "poll", () -> {
      try {
        int revents = fs.poll(ino, fileInfo(fi), handle);
        return r -> replies.poll(r, revents);
      } catch (Throwable e) {
        if (handle != null) {
          handle.discard(); // not kept: nobody will wake it
        }
        throw e;
      }
    });
  }

  void releasedir(MemorySegment req, long ino, MemorySegment fi) {
    serve(req, "releasedir", () -> {
      fs.releasedir(ino, fileInfo(fi));
      return ok(replies);
    });
  }
}
