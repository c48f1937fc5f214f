package io.cgdev.fuse.internal;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The installed libfuse3, called through the FFM API: where it is, whether FUSE can work on this
 * machine at all, and the calls of its low-level API a mount needs: a session ({@code
 * fuse_session_new}, {@code _mount}, the loops, {@code _exit}, {@code _unmount}, {@code _destroy}),
 * the replies to requests, and {@code fuse_req_ctx} (who sent a request).
 *
 * <p>Loaded once per mount on the mounting thread; every method may then be called from any thread.
 * The reply methods run on libfuse's worker threads, inside a request callback, and take no lock.
 */
public final class LibFuse {
  /**
   * Test hook: folders (separated by {@code :}) searched for the library instead of the usual ones
   * and {@code ldconfig}; an empty value searches nowhere, as on a machine without fuse3.
   */
  public static final String SEARCH_PATH_PROPERTY = "cgdev.fuse.librarySearchPath";
  private static final String SONAME = "libfuse3.so.3";
  private static final String INSTALL = "apt-get install fuse3";
  private static final List<String> KNOWN_FOLDERS = List.of(
      "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/usr/lib",
      "/lib", "/usr/local/lib", "/usr/local/lib64");

  private static final Linker LINKER = Linker.nativeLinker();
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
  private static final ValueLayout ADDRESS = ValueLayout.ADDRESS;

  private final Path library;
  private final int version;
  private final MethodHandle sessionNew;
  private final MethodHandle optFreeArgs;
  private final MethodHandle sessionMount;
  private final MethodHandle sessionLoop;
  private final MethodHandle sessionLoopMt;
  private final MethodHandle sessionExit;
  private final MethodHandle sessionUnmount;
  private final MethodHandle sessionDestroy;
  private final MethodHandle reqCtx;
  private final MethodHandle replyErr;
  private final MethodHandle replyNone;
  private final MethodHandle replyEntry;
  private final MethodHandle replyAttr;
  private final MethodHandle replyOpen;
  private final MethodHandle replyWrite;
  private final MethodHandle replyBuf;
  private final MethodHandle addDirentry;
  private final MethodHandle replyPoll;
  private final MethodHandle notifyPoll;
  private final MethodHandle pollhandleDestroy;

  // restricted FFM calls are this class's purpose; the launcher grants native access to io.cgdev.fuse
  @SuppressWarnings("restricted")
  private LibFuse(Path library, SymbolLookup symbols, int version) {
    this.library = library;
    this.version = version;
    ValueLayout.OfLong size = ValueLayout.JAVA_LONG;
    this.sessionNew = version >= NativeLayout.SESSION_NEW_VERSIONED
        ? handle(symbols, "fuse_session_new_versioned", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, size, ADDRESS, ADDRESS))
        : handle(symbols, "fuse_session_new", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, size, ADDRESS));
    this.optFreeArgs = handle(symbols, "fuse_opt_free_args", FunctionDescriptor.ofVoid(ADDRESS));
    this.sessionMount = handle(symbols, "fuse_session_mount", FunctionDescriptor.of(INT, ADDRESS, ADDRESS));
    this.sessionLoop = handle(symbols, "fuse_session_loop", FunctionDescriptor.of(INT, ADDRESS));
    String loopMtName = version >= NativeLayout.LOOP_CONFIG_OPAQUE_VERSION
        && symbols.find("fuse_session_loop_mt_312").isPresent() ? "fuse_session_loop_mt_312" : "fuse_session_loop_mt";
    this.sessionLoopMt = handle(symbols, loopMtName, FunctionDescriptor.of(INT, ADDRESS, ADDRESS));
    this.sessionExit = handle(symbols, "fuse_session_exit", FunctionDescriptor.ofVoid(ADDRESS));
    this.sessionUnmount = handle(symbols, "fuse_session_unmount", FunctionDescriptor.ofVoid(ADDRESS));
    this.sessionDestroy = handle(symbols, "fuse_session_destroy", FunctionDescriptor.ofVoid(ADDRESS));
    // called on every request that checks permissions: reads a struct, no Java state to protect
    this.reqCtx = handle(symbols, "fuse_req_ctx", FunctionDescriptor.of(ADDRESS, ADDRESS), Linker.Option.critical(false));
    this.replyErr = handle(symbols, "fuse_reply_err", FunctionDescriptor.of(INT, ADDRESS, INT));
    this.replyNone = handle(symbols, "fuse_reply_none", FunctionDescriptor.ofVoid(ADDRESS));
    this.replyEntry = handle(symbols, "fuse_reply_entry", FunctionDescriptor.of(INT, ADDRESS, ADDRESS));
    this.replyAttr = handle(symbols, "fuse_reply_attr", FunctionDescriptor.of(INT, ADDRESS, ADDRESS, ValueLayout.JAVA_DOUBLE));
    this.replyOpen = handle(symbols, "fuse_reply_open", FunctionDescriptor.of(INT, ADDRESS, ADDRESS));
    this.replyWrite = handle(symbols, "fuse_reply_write", FunctionDescriptor.of(INT, ADDRESS, size));
    this.replyBuf = handle(symbols, "fuse_reply_buf", FunctionDescriptor.of(INT, ADDRESS, ADDRESS, size));
    this.addDirentry = handle(symbols, "fuse_add_direntry",
        FunctionDescriptor.of(size, ADDRESS, ADDRESS, size, ADDRESS, ADDRESS, size));
    this.replyPoll = handle(symbols, "fuse_reply_poll", FunctionDescriptor.of(INT, ADDRESS, INT));
    this.notifyPoll = handle(symbols, "fuse_lowlevel_notify_poll", FunctionDescriptor.of(INT, ADDRESS));
    this.pollhandleDestroy = handle(symbols, "fuse_pollhandle_destroy", FunctionDescriptor.ofVoid(ADDRESS));
  }

  /**
   * Finds libfuse3 and checks {@code /dev/fuse}, the platform and the library's version.
   *
   * @throws FuseException naming everything that is missing and how to install it
   */
  // restricted FFM calls are this class's purpose; the launcher grants native access to io.cgdev.fuse
  @SuppressWarnings("restricted")
  public static LibFuse load() {
    List<String> problems = new ArrayList<>();
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      throw new FuseException("FUSE is not available: the cgdev mount runs on Linux x86_64 only (this is "
          + System.getProperty("os.name") + " " + arch + ")");
    }
    Path dev = Path.of("/dev/fuse");
    if (!Files.exists(dev)) {
      problems.add("/dev/fuse is missing (load the kernel module: modprobe fuse; in a container, pass --device /dev/fuse)");
    } else if (!Files.isReadable(dev) || !Files.isWritable(dev)) {
      problems.add("/dev/fuse is not readable and writable by this user (mount as root)");
    }
    Optional<Path> library = find();
    if (library.isEmpty()) {
      problems.add(SONAME + " not found (install it: " + INSTALL + ")");
    }
    if (!problems.isEmpty()) {
      throw new FuseException("FUSE is not available: " + String.join("; ", problems));
    }
    SymbolLookup symbols;
    int version;
    try {
      symbols = SymbolLookup.libraryLookup(library.get(), Arena.global());
      MethodHandle fuseVersion = handle(symbols, "fuse_version", FunctionDescriptor.of(INT));
      version = (int) fuseVersion.invokeExact();
    } catch (Throwable e) {
      throw new FuseException("FUSE is not available: cannot load " + library.get() + ": " + e.getMessage(), e);
    }
    if (version < NativeLayout.MIN_VERSION) {
      throw new FuseException("FUSE is not available: " + library.get() + " is libfuse " + version / 100 + "."
          + version % 100 + "; the cgdev mount needs libfuse 3.7 or newer (" + INSTALL + ")");
    }
    try {
      return new LibFuse(library.get(), symbols, version);
    } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
      throw new FuseException("FUSE is not available: " + library.get() + ": " + e.getMessage(), e);
    }
  }

  /** Why FUSE cannot work here (naming what to install), or empty if it looks usable; never throws. */
  public static Optional<String> unavailableReason() {
    try {
      load();
      return Optional.empty();
    } catch (FuseException | IllegalArgumentException | UnsupportedOperationException e) {
      return Optional.of(e.getMessage());
    }
  }

  /** The shared library file. */
  public Path library() {
    return library;
  }

  /** The library's version as {@code fuse_version()} reports it: 314 for 3.14. */
  public int version() {
    return version;
  }

  /** Who sent {@code req}: its file-system uid and gid and its pid ({@code fuse_req_ctx}). */
  // restricted FFM calls are this class's purpose; the launcher grants native access to io.cgdev.fuse
  @SuppressWarnings("restricted")
  Caller caller(MemorySegment req) {
    MemorySegment ctx = (MemorySegment) call(() -> (MemorySegment) reqCtx.invokeExact(req));
    if (ctx.equals(MemorySegment.NULL)) {
      return Caller.ROOT;
    }
    MemorySegment c = ctx.reinterpret(NativeLayout.CTX_SIZE);
    return new Caller(c.get(INT, NativeLayout.CTX_UID), c.get(INT, NativeLayout.CTX_GID), c.get(INT, NativeLayout.CTX_PID));
  }

  /**
   * {@code fuse_session_new(args, ops, size, NULL)}: NULL if libfuse refused an option (it says why
   * on stderr).
   */
  MemorySegment sessionNew(MemorySegment args, MemorySegment operations, long size, Arena arena) {
    if (version >= NativeLayout.SESSION_NEW_VERSIONED) {
      MemorySegment v = arena.allocate(NativeLayout.VERSION_SIZE, 4);
      v.set(INT, 0, version / 100);
      v.set(INT, 4, version % 100);
      return (MemorySegment) call(() -> (MemorySegment) sessionNew.invokeExact(args, operations, size, v, MemorySegment.NULL));
    }
    return (MemorySegment) call(() -> (MemorySegment) sessionNew.invokeExact(args, operations, size, MemorySegment.NULL));
  }

  /** {@code fuse_opt_free_args}: frees what the option parser allocated for the arguments. */
  void freeArgs(MemorySegment args) {
    call(() -> {
      optFreeArgs.invokeExact(args);
      return null;
    });
  }

  /** {@code fuse_session_mount(se, mountpoint)}: 0, or -1 (libfuse says why on stderr). */
  int mount(MemorySegment session, MemorySegment mountPoint) {
    return (int) call(() -> (int) sessionMount.invokeExact(session, mountPoint));
  }

  /** Serves requests until the session exits or the file system is unmounted. */
  int loop(MemorySegment session, boolean multiThreaded, Arena arena) {
    if (!multiThreaded) {
      return (int) call(() -> (int) sessionLoop.invokeExact(session));
    }
    MemorySegment config = MemorySegment.NULL; // from 3.12: NULL asks for libfuse's defaults
    if (version < NativeLayout.LOOP_CONFIG_OPAQUE_VERSION) {
      config = arena.allocate(NativeLayout.LOOP_CONFIG_V1_SIZE);
      config.set(INT, 0, 0); // clone_fd
      config.set(INT, 4, 10); // max_idle_threads, libfuse's default
    }
    MemorySegment c = config;
    return (int) call(() -> (int) sessionLoopMt.invokeExact(session, c));
  }

  /** {@code fuse_session_exit}: asks the loop to stop; it does once a worker wakes up. */
  void exit(MemorySegment session) {
    call(() -> {
      sessionExit.invokeExact(session);
      return null;
    });
  }

  /** {@code fuse_session_unmount}: closes the device and unmounts (lazily as root, through fusermount3 otherwise). */
  void unmount(MemorySegment session) {
    call(() -> {
      sessionUnmount.invokeExact(session);
      return null;
    });
  }

  /** {@code fuse_session_destroy}: frees the session; calls the file system's {@code destroy}. */
  void destroy(MemorySegment session) {
    call(() -> {
      sessionDestroy.invokeExact(session);
      return null;
    });
  }

  void replyErr(MemorySegment req, int errno) {
    call(() -> (int) replyErr.invokeExact(req, errno));
  }

  void replyNone(MemorySegment req) {
    call(() -> {
      replyNone.invokeExact(req);
      return null;
    });
  }

  void replyEntry(MemorySegment req, MemorySegment entry) {
    call(() -> (int) replyEntry.invokeExact(req, entry));
  }

  void replyAttr(MemorySegment req, MemorySegment stat, double timeout) {
    call(() -> (int) replyAttr.invokeExact(req, stat, timeout));
  }

  void replyOpen(MemorySegment req, MemorySegment fi) {
    call(() -> (int) replyOpen.invokeExact(req, fi));
  }

  void replyWrite(MemorySegment req, long count) {
    call(() -> (int) replyWrite.invokeExact(req, count));
  }

  void replyBuf(MemorySegment req, MemorySegment buf, long size) {
    call(() -> (int) replyBuf.invokeExact(req, buf, size));
  }

  /** {@code fuse_reply_poll}: the poll events that are ready now. */
  void replyPoll(MemorySegment req, int revents) {
    call(() -> (int) replyPoll.invokeExact(req, revents));
  }

  /**
   * {@code fuse_lowlevel_notify_poll}: wakes the poll that handed over {@code ph}; the kernel then
   * polls again. 0, or a negative errno ({@code -ENOENT} when the poller is gone). Only while the
   * session lives.
   */
  int notifyPoll(MemorySegment ph) {
    return (int) call(() -> (int) notifyPoll.invokeExact(ph));
  }

  /** {@code fuse_pollhandle_destroy}: frees a poll handle (memory only; safe at any time, once). */
  void pollhandleDestroy(MemorySegment ph) {
    call(() -> {
      pollhandleDestroy.invokeExact(ph);
      return null;
    });
  }

  /** {@code fuse_add_direntry}: the bytes the entry needs; it was written only if that fits {@code size}. */
  long addDirentry(MemorySegment req, MemorySegment buf, long size, MemorySegment name, MemorySegment stat, long next) {
    return (long) call(() -> (long) addDirentry.invokeExact(req, buf, size, name, stat, next));
  }

  /** A downcall with no checked exception: a native call throws only if the JVM is broken. */
  @FunctionalInterface
  private interface Native {
    Object run() throws Throwable;
  }

  private static Object call(Native call) {
    try {
      return call.run();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  // restricted FFM calls are this class's purpose; the launcher grants native access to io.cgdev.fuse
  @SuppressWarnings("restricted")
  private static MethodHandle handle(SymbolLookup symbols, String name, FunctionDescriptor descriptor,
      Linker.Option... options) {
    MemorySegment symbol = symbols.find(name)
        .orElseThrow(() -> new UnsatisfiedLinkError("libfuse3 has no symbol " + name));
    return LINKER.downcallHandle(symbol, descriptor, options);
  }

  private static Optional<Path> find() {
    String searchPath = System.getProperty(SEARCH_PATH_PROPERTY);
    if (searchPath != null) {
      return inFolders(searchPath.isBlank() ? List.of() : List.of(searchPath.split(File.pathSeparator)));
    }
    Optional<Path> known = inFolders(KNOWN_FOLDERS);
    return known.isPresent() ? known : fromLdconfig();
  }

  private static Optional<Path> inFolders(List<String> folders) {
    for (String folder : folders) {
      Path candidate = Path.of(folder, SONAME);
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> fromLdconfig() {
    for (String ldconfig : List.of("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig")) {
      try {
        Process p = new ProcessBuilder(ldconfig, "-p").redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          Optional<Path> found = r.lines()
              .filter(line -> line.trim().startsWith(SONAME + " ") && line.contains("=>"))
              .map(line -> Path.of(line.substring(line.indexOf("=>") + 2).trim()))
              .filter(Files::isRegularFile)
              .findFirst();
          p.waitFor();
          if (found.isPresent()) {
            return found;
          }
        }
      } catch (IOException e) {
        // this ldconfig is not installed: try the next
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}
