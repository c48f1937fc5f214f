package io.cgdev.fuse.internal;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mount's own thread for telling the kernel that files changed, so that clients waiting on the
 * mount wake as they do on a kernel cgroupfs:
 *
 * <ul>
 *   <li><b>poll, select, epoll</b>: a waiting poller is woken with {@code
 *       fuse_lowlevel_notify_poll} ({@link PollHandle#wake}); the kernel then polls again and the file
 *       system answers {@code POLLPRI|POLLERR}.
 *   <li><b>inotify</b>: FUSE has no notification that raises an inotify event — {@code
 *       fuse_lowlevel_notify_inval_inode} only drops the kernel's caches ({@code
 *       fuse_reverse_inval_inode} calls no {@code fsnotify}). What does is a {@code write(2)} through
 *       the VFS, which ends with {@code fsnotify_modify}: so this thread <em>touches</em> the file —
 *       opens it for writing through the mount and writes one byte, which the file system recognises
 *       by this thread's id ({@link #isSelf}) and takes without writing anything — and watchers of
 *       the file (and of its folder) get {@code IN_MODIFY}, as from kernfs. They also see the touch's
 *       own {@code IN_OPEN} and {@code IN_CLOSE_WRITE}, which kernfs does not send. A file is touched
 *       at most once per {@value #TOUCH_INTERVAL_MILLIS} ms (the kernel's {@code cgroup_file_notify}
 *       interval, {@code HZ/100}); notifications in between coalesce into the next touch. Touching
 *       needs write access to the file through the mount (the daemon runs as root); otherwise it is
 *       switched off with one log line.
 * </ul>
 *
 * <p>Work is handed over from any thread (the core's listeners run on the thread that made a change,
 * possibly under locks) and done here, one job at a time, in order: the file view tells the mount of
 * a change before it tells the file's handles, so a file's touch is done before its pollers wake — a
 * client that wakes from {@code poll} and then starts an inotify watch does not see the touch of the
 * change it has already seen (the kernel's deferred {@code fsnotify} also lands before a poller can
 * react). {@link #stop} must run
 * before the session is destroyed — the file system's {@code destroy} and the mount's close both call
 * it — so that no wakeup reaches a freed session; and while the session still serves, so that a
 * touch in flight is answered.
 */
final class ChangeNotifier {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeNotifier.class);
  static final long TOUCH_INTERVAL_MILLIS = 10;
  private static final long TOUCH_INTERVAL_NANOS = TOUCH_INTERVAL_MILLIS * 1_000_000;
  private static final ByteBuffer ONE_BYTE = ByteBuffer.wrap(new byte[] {'\n'}).asReadOnlyBuffer();

  /** One job: wake a poller, or touch a file. */
  private sealed interface Job {
    record Wake(PollHandle poller) implements Job {}

    record Touch(String path) implements Job {}
  }

  private final Path mountPoint;
  private final LinkedBlockingDeque<Job> work = new LinkedBlockingDeque<>();
  private final Set<String> queuedTouches = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> lastTouch = new HashMap<>(); // notifier thread only
  private final CountDownLatch started = new CountDownLatch(1);
  private final Thread thread;
  private volatile int tid;
  private volatile boolean stopped;
  private volatile boolean touching = true;

  /** @param mountPoint where the file system is mounted (touches go through it) */
  ChangeNotifier(Path mountPoint) {
    this.mountPoint = mountPoint;
    this.thread = Thread.ofPlatform().daemon().name("cgdev-fuse-notify " + mountPoint).unstarted(this::loop);
  }

  /** Starts the thread and returns once its id is known. */
  void start() {
    thread.start();
    try {
      if (!started.await(5, TimeUnit.SECONDS)) {
        LOG.warn("the notification thread of {} did not start; inotify through the mount is off", mountPoint);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** True if a request comes from this thread: a touch to take without writing. */
  boolean isSelf(int callerPid) {
    int t = tid;
    return t != 0 && callerPid == t;
  }

  /** Wakes {@code poller} soon; discards it if the notifier has stopped. Any thread; never blocks. */
  void wake(PollHandle poller) {
    if (stopped) {
      poller.discard();
      return;
    }
    work.addLast(new Job.Wake(poller));
    if (stopped) {
      drain(); // raced with stop: nobody else will
    }
  }

  /** Touches the file at {@code path} (a path of the file view) soon, for inotify. Any thread; never blocks. */
  void touch(String path) {
    if (!stopped && touching && queuedTouches.add(path)) {
      work.addLast(new Job.Touch(path));
    }
  }

  /**
   * Stops the thread: jobs still queued are dropped (pollers discarded). Waits at most {@code
   * timeout} for a job in flight. Idempotent; any thread but its own.
   */
  void stop(Duration timeout) {
    stopped = true;
    if (Thread.currentThread() != thread && thread.isAlive()) {
      thread.interrupt();
      try {
        thread.join(timeout.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    drain();
  }

  private void drain() {
    for (Job j; (j = work.pollFirst()) != null; ) {
      if (j instanceof Job.Wake w) {
        w.poller().discard();
      }
    }
    queuedTouches.clear();
  }

  private void loop() {
    tid = currentTid();
    touching = tid != 0; // without its id a touch could not be told from a user's write
    started.countDown();
    while (!stopped) {
      Job job;
      try {
        job = work.takeFirst();
      } catch (InterruptedException e) {
        return;
      }
      if (stopped) {
        if (job instanceof Job.Wake w) {
          w.poller().discard();
        }
        return;
      }
      try {
        switch (job) {
          case Job.Wake w -> w.poller().wake();
          case Job.Touch t -> touchNow(t.path());
        }
      } catch (RuntimeException e) {
        LOG.warn("change notification through {} failed", mountPoint, e);
      }
    }
  }

  private void touchNow(String path) {
    queuedTouches.remove(path); // a change from now on asks for another touch
    long now = System.nanoTime();
    Long last = lastTouch.get(path);
    if (last != null && now - last < TOUCH_INTERVAL_NANOS) {
      try {
        TimeUnit.NANOSECONDS.sleep(TOUCH_INTERVAL_NANOS - (now - last));
      } catch (InterruptedException e) {
        return; // stopping
      }
    }
    Path file = mountPoint.resolve(path.substring(1));
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.write(ONE_BYTE.duplicate());
    } catch (NoSuchFileException e) {
      // removed meanwhile: nobody can watch it any more
    } catch (AccessDeniedException e) {
      touching = false;
      LOG.info("inotify through {} is off: the daemon may not open {} for writing (mount as root)", mountPoint, file);
    } catch (IOException e) {
      LOG.debug("touching {} failed", file, e);
    }
    lastTouch.put(path, System.nanoTime());
    if (lastTouch.size() > 4096) {
      long old = System.nanoTime() - TOUCH_INTERVAL_NANOS;
      lastTouch.values().removeIf(t -> t < old);
    }
  }

  /** The kernel's id of the calling thread ({@code gettid}), which FUSE requests carry as their pid. */
  // restricted FFM calls are this module's purpose; the launcher grants native access to io.cgdev.fuse
  @SuppressWarnings("restricted")
  private static int currentTid() {
    Linker linker = Linker.nativeLinker();
    MemorySegment symbol = linker.defaultLookup().find("gettid").orElse(null);
    if (symbol == null) {
      return 0;
    }
    MethodHandle gettid = linker.downcallHandle(symbol, FunctionDescriptor.of(ValueLayout.JAVA_INT));
    try {
      return (int) gettid.invokeExact();
    } catch (Throwable e) {
      return 0;
    }
  }
}
