package io.cgdev.fuse.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One libfuse low-level session: {@code fuse_session_new}, {@code fuse_session_mount}, the request
 * loop on a thread of its own, and the way out.
 *
 * <p><b>Ending.</b> The loop ends by itself when the file system is unmounted from outside ({@code
 * fusermount3 -u}, {@code umount}): the kernel ends the connection, libfuse's loop returns, and the
 * session tears itself down and tells its listener. {@link #close} ends it from inside:
 * {@code fuse_session_exit} only sets a flag that libfuse's workers read after their next request, and a
 * worker blocked reading {@code /dev/fuse} wakes only when a request arrives, which with a client
 * still holding a file open (a lazy unmount cannot end the connection then) may be never. So close
 * sends the loop one request of its own (a lookup of a name that does not exist), waits for the loop
 * to return, then unmounts and frees libfuse. A loop that does not return in time is left behind
 * (the mount is still detached) and freed by its own thread if it ever returns, so no native thread
 * can call into freed memory.
 *
 * <p>Thread-safe: {@link #close} may race the loop's own end; both tear down at most once.
 */
public final class FuseSession {
  private final LibFuse lib;
  private final Path dir;
  private final Arena arena;
  private final MemorySegment session;
  private final Runnable onEndedFromOutside;
  private final CountDownLatch initialised;
  private final CountDownLatch loopEnded = new CountDownLatch(1);
  private volatile int loopResult;
  // guarded by this
  private boolean closing;
  private boolean abandoned;
  private boolean unmounted;
  private boolean destroyed;

  private FuseSession(LibFuse lib, Path dir, Arena arena, MemorySegment session, CountDownLatch initialised,
      Runnable onEndedFromOutside) {
    this.lib = lib;
    this.initialised = initialised;
    this.dir = dir;
    this.arena = arena;
    this.session = session;
    this.onEndedFromOutside = onEndedFromOutside;
  }

  /**
   * Mounts {@code fs} at {@code dir} and returns once the mount answers requests. Called on any
   * thread, once per mount.
   *
   * @param context where the file system learns who sent the request it serves
   * @param options libfuse arguments after the program name ({@code -o opts}, {@code -d})
   * @param multiThreaded libfuse's multi-threaded loop, else its single-threaded one
   * @param onEndedFromOutside run once, on the loop's thread, if the mount ends without {@link #close}
   * @throws FuseException if libfuse refuses the options or the mount, or the loop stops at once
   */
  public static FuseSession start(LibFuse lib, FuseFileSystem fs, RequestContext context, Path dir,
      List<String> options, boolean multiThreaded, Runnable onEndedFromOutside) {
    Arena arena = Arena.ofShared();
    FuseSession session;
    try {
      CountDownLatch initialised = new CountDownLatch(1);
      MemorySegment table = new FuseUpcalls(fs, new NativeReplies(lib), context, initialised::countDown).table(arena);
      MemorySegment args = arguments(arena, options);
      MemorySegment se = lib.sessionNew(args, table, NativeLayout.OPERATIONS_SIZE, arena);
      lib.freeArgs(args);
      if (se.equals(MemorySegment.NULL)) {
        throw new FuseException("libfuse refused the mount options " + String.join(" ", options)
            + " (its message is above)");
      }
      session = new FuseSession(lib, dir, arena, se, initialised, onEndedFromOutside);
      if (lib.mount(se, arena.allocateFrom(dir.toString())) != 0) {
        lib.destroy(se);
        throw new FuseException("libfuse could not mount at " + dir + " (its message is above; a non-root user"
            + " needs fusermount3 and, for allow_other, user_allow_other in /etc/fuse.conf)");
      }
    } catch (RuntimeException | Error e) {
      arena.close();
      throw e;
    }
    Thread.ofPlatform().daemon().name("cgdev-fuse-loop " + dir).start(() -> session.run(multiThreaded));
    session.awaitInit();
    return session;
  }

  private static MemorySegment arguments(Arena arena, List<String> options) {
    List<String> argv = new ArrayList<>();
    argv.add("cgdev");
    argv.addAll(options);
    MemorySegment array = arena.allocate(ValueLayout.ADDRESS, argv.size() + 1L);
    for (int i = 0; i < argv.size(); i++) {
      array.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(argv.get(i)));
    }
    array.setAtIndex(ValueLayout.ADDRESS, argv.size(), MemorySegment.NULL);
    MemorySegment args = arena.allocate(NativeLayout.ARGS_SIZE, 8);
    args.set(ValueLayout.JAVA_INT, NativeLayout.ARGS_ARGC, argv.size());
    args.set(ValueLayout.ADDRESS, NativeLayout.ARGS_ARGV, array);
    args.set(ValueLayout.JAVA_INT, NativeLayout.ARGS_ALLOCATED, 0);
    return args;
  }

  private void awaitInit() {
    try {
      for (int i = 0; i < 200; i++) { // at most 20 s: the kernel sends INIT as soon as it is mounted
        if (initialised.await(100, TimeUnit.MILLISECONDS)) {
          return;
        }
        if (loopEnded.getCount() == 0) {
          throw new FuseException("libfuse's loop stopped right after mounting at " + dir + " (result " + loopResult + ")");
        }
      }
      close(Duration.ofSeconds(2));
      throw new FuseException("the kernel did not start the FUSE session at " + dir + " within 20 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close(Duration.ofSeconds(2));
      throw new FuseException("interrupted while mounting at " + dir, e);
    }
  }

  private void run(boolean multiThreaded) {
    try {
      loopResult = lib.loop(session, multiThreaded, arena);
    } catch (Throwable e) {
      loopResult = Integer.MIN_VALUE;
    }
    boolean outside;
    synchronized (this) {
      outside = !closing;
      if (outside || abandoned) {
        tearDown();
      }
    }
    loopEnded.countDown();
    if (outside) {
      onEndedFromOutside.run();
    }
  }

  /** Whether the loop still serves requests. */
  public boolean serving() {
    return loopEnded.getCount() > 0;
  }

  /**
   * Ends the session from inside and unmounts. Idempotent.
   *
   * @return true if libfuse stopped and was freed within {@code timeout}; false if its loop was left
   *     behind (the mount point is unmounted all the same)
   */
  public boolean close(Duration timeout) {
    synchronized (this) {
      closing = true;
      if (destroyed) {
        return true;
      }
      if (serving()) {
        lib.exit(session);
      }
    }
    if (serving()) {
      wake();
    }
    boolean ended;
    try {
      ended = loopEnded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ended = false;
    }
    synchronized (this) {
      if (ended) {
        tearDown();
      } else {
        abandoned = true;
        unmountOnce();
      }
    }
    return ended;
  }

  /**
   * Sends one request that a worker must read, so that it sees the exit flag: a lookup of a name no
   * entry has. The lookup itself is never answered; it fails once the device is closed.
   */
  private void wake() {
    Path probe = dir.resolve(".cgdev-fuse-wake-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    Thread.ofPlatform().daemon().name("cgdev-fuse-wake").start(() -> Files.exists(probe));
  }

  // called with this held
  private void tearDown() {
    unmountOnce();
    if (!destroyed) {
      destroyed = true;
      lib.destroy(session);
      arena.close();
    }
  }

  // called with this held
  private void unmountOnce() {
    if (!unmounted) {
      unmounted = true;
      lib.unmount(session);
    }
  }
}
