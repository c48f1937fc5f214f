package io.cgdev.fuse;

import io.cgdev.api.OwnershipChange;
import io.cgdev.api.CgroupFs;
import io.cgdev.fuse.internal.CgroupFuseOperations;
import io.cgdev.fuse.internal.FuseException;
import io.cgdev.fuse.internal.FuseSession;
import io.cgdev.fuse.internal.LibFuse;
import io.cgdev.fuse.internal.MountPoints;
import io.cgdev.fuse.internal.Ownership;
import io.cgdev.fuse.internal.RequestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CgroupFs} mounted as a real file system, behaving like a kernel cgroup v2 mount: bash,
 * coreutils and cgroup tools read and write its files, {@code mkdir}/{@code rmdir} make and remove
 * cgroups, and {@code chown} delegates a cgroup to a user (see docs/FUSE.md).
 *
 * <p>{@link #mount} returns once the mount answers; requests are then served on libfuse's worker
 * threads until {@link #close}, which a JVM shutdown hook also calls (Ctrl-C, SIGTERM, normal exit),
 * or until the file system is unmounted from outside ({@code fusermount3 -u}, {@code umount}), which
 * the mount notices: {@link #awaitUnmount} returns and {@link #unmountedFromOutside} says so. No
 * mount outlives the process unless it is killed with SIGKILL — and a stale mount left that way is
 * detected by the next {@link #mount} with the command that clears it.
 *
 * <p>The JVM needs {@code --enable-native-access=io.cgdev.fuse} (else the JDK prints a warning on
 * first use) and, for mounting, root or access to {@code /dev/fuse}.
 */
public final class CgroupMount implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CgroupMount.class);
  /** How long {@link #close} waits for libfuse's loop to stop (it takes milliseconds). */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);

  private final Path dir;
  private final FuseSession session;
  private final CgroupFuseOperations operations;
  private final Thread shutdownHook;
  private final AtomicBoolean ended = new AtomicBoolean();
  private final CountDownLatch unmounted = new CountDownLatch(1);
  private volatile boolean fromOutside;
  /** Runs first on every way out (close, Ctrl-C, SIGTERM, an unmount from outside). */
  private volatile Runnable beforeUnmount = () -> {};

  private CgroupMount(Path dir, FuseSession session, CgroupFuseOperations operations) {
    this.dir = dir;
    this.session = session;
    this.operations = operations;
    this.shutdownHook = new Thread(this::unmount, "cgdev-fuse-unmount " + dir);
  }

  /**
   * Why FUSE cannot mount on this machine — naming what is missing and how to install it — or empty
   * if it looks usable. Never throws; tests use it to skip with a reason.
   */
  public static Optional<String> unavailableReason() {
    return LibFuse.unavailableReason();
  }

  /**
   * Mounts {@code fs} at the empty folder {@code dir}. Called once per mount, on any thread.
   *
   * @throws MountException if FUSE is not available (naming what to install), if {@code dir} is
   *     missing, not empty, already mounted or a stale mount (naming {@code fusermount3 -u dir}),
   *     or if libfuse refuses the mount
   */
  public static CgroupMount mount(CgroupFs fs, Path dir, MountOptions options) {
    return mount(fs, dir, options, OwnershipJournal.NONE);
  }

  /**
   * As {@link #mount(CgroupFs, Path, MountOptions)}, starting from the owners and modes {@code
   * journal} recorded and keeping every later change of them there.
   */
  public static CgroupMount mount(CgroupFs fs, Path dir, MountOptions options, OwnershipJournal journal) {
    Objects.requireNonNull(fs, "fs");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(journal, "journal");
    Path target = dir.toAbsolutePath().normalize();
    try {
      LibFuse lib = LibFuse.load();
      MountPoints.check(target);
      RequestContext context = RequestContext.of(lib);
      CgroupFuseOperations operations = new CgroupFuseOperations(fs, context, ownership(journal), target, journal::atomically);
      AtomicReference<CgroupMount> self = new AtomicReference<>();
      FuseSession session = FuseSession.start(lib, operations, context, target, arguments(options),
          !options.singleThreaded(), () -> {
            CgroupMount m = self.get();
            if (m != null) {
              m.endedFromOutside();
            }
          });
      CgroupMount mount = new CgroupMount(target, session, operations);
      self.set(mount);
      Runtime.getRuntime().addShutdownHook(mount.shutdownHook);
      if (!session.serving()) {
        mount.endedFromOutside(); // unmounted before the callback could see this object
      }
      return mount;
    } catch (FuseException e) {
      throw new MountException(e.getMessage(), e);
    }
  }

  /** An ownership map holding what {@code journal} recorded, which tells it of every change from now on. */
  private static Ownership ownership(OwnershipJournal journal) {
    Ownership ownership = new Ownership();
    for (OwnershipChange change : journal.recorded()) {
      switch (change) {
        case OwnershipChange.Created c -> ownership.replay(Ownership.Kind.CREATED, c.path(), c.uid(), c.gid(), 0);
        case OwnershipChange.Chown c -> ownership.replay(Ownership.Kind.CHOWN, c.path(), c.uid(), c.gid(), 0);
        case OwnershipChange.Chmod c -> ownership.replay(Ownership.Kind.CHMOD, c.path(), 0, 0, c.mode());
        case OwnershipChange.Forget f -> ownership.replay(Ownership.Kind.FORGET, f.path(), 0, 0, 0);
      }
    }
    ownership.listen(new Ownership.Changes() {
      @Override
      public void created(String path, Ownership.Owner creator) {
        journal.record(new OwnershipChange.Created(path, creator.uid(), creator.gid()));
      }

      @Override
      public void chowned(String path, Ownership.Owner owner) {
        journal.record(new OwnershipChange.Chown(path, owner.uid(), owner.gid()));
      }

      @Override
      public void chmodded(String path, int mode) {
        journal.record(new OwnershipChange.Chmod(path, mode));
      }

      @Override
      public void forgotten(String path) {
        journal.record(new OwnershipChange.Forget(path));
      }
    });
    return ownership;
  }

  /** How a served mount ended. */
  public enum Ending {
    /** Closed from inside: Ctrl-C, SIGTERM, normal exit or {@link #close}. */
    CLOSED,
    /** Unmounted from outside ({@code fusermount3 -u}, {@code umount}). */
    UNMOUNTED_FROM_OUTSIDE
  }

  /**
   * Mounts, prints where, and blocks until the mount ends: by Ctrl-C or SIGTERM (through the
   * shutdown hook), by another thread's {@link #close}, or by an unmount from outside.
   *
   * @return how it ended
   * @throws MountException as {@link #mount}
   * @throws InterruptedException if the waiting thread is interrupted (the mount is closed first)
   */
  public static Ending serve(CgroupFs fs, Path dir, MountOptions options) throws InterruptedException {
    return serve(fs, dir, options, System.out::println, () -> {});
  }

  /**
   * As {@link #serve(CgroupFs, Path, MountOptions)}, telling {@code announce} where it mounted and
   * running {@code beforeUnmount} (e.g. stop live workloads) before the tree goes away, whichever way
   * the mount ends.
   */
  public static Ending serve(CgroupFs fs, Path dir, MountOptions options, Consumer<String> announce,
      Runnable beforeUnmount) throws InterruptedException {
    return serve(fs, dir, options, OwnershipJournal.NONE, announce, beforeUnmount);
  }

  /**
   * As {@link #serve(CgroupFs, Path, MountOptions, Consumer, Runnable)}, with owners and modes kept
   * in {@code journal} ({@link #mount(CgroupFs, Path, MountOptions, OwnershipJournal)}).
   */
  public static Ending serve(CgroupFs fs, Path dir, MountOptions options, OwnershipJournal journal,
      Consumer<String> announce, Runnable beforeUnmount) throws InterruptedException {
    try (CgroupMount mount = mount(fs, dir, options, journal)) {
      mount.beforeUnmount(beforeUnmount);
      announce.accept("cgdev: mounted at " + mount.dir() + "; Ctrl-C or SIGTERM unmounts");
      mount.awaitUnmount();
      return mount.unmountedFromOutside() ? Ending.UNMOUNTED_FROM_OUTSIDE : Ending.CLOSED;
    }
  }

  /**
   * Sets what runs just before unmounting, on the closing thread, in the shutdown hook or on
   * libfuse's loop thread after an unmount from outside (so it must not wait for the JVM's other
   * shutdown hooks). A throw is ignored: the unmount matters more.
   */
  public CgroupMount beforeUnmount(Runnable action) {
    this.beforeUnmount = Objects.requireNonNull(action, "action");
    return this;
  }

  private static List<String> arguments(MountOptions options) {
    List<String> args = new ArrayList<>();
    if (options.debug()) {
      args.add("-d");
    }
    StringBuilder o = new StringBuilder("default_permissions,fsname=" + options.fsName() + ",subtype=cgdev");
    if (options.allowOther()) {
      o.append(",allow_other");
    }
    args.add("-o");
    args.add(o.toString());
    return args;
  }

  /** The absolute mount point. */
  public Path dir() {
    return dir;
  }

  /** Files open through the mount now (tests check that dead clients release theirs). */
  int openFiles() {
    return operations.openHandles();
  }

  /** Inodes the kernel holds now, the root included (tests check that forgotten ones go). */
  int knownInodes() {
    return operations.knownInodes();
  }

  /** Whether the mount still serves requests. */
  public boolean isMounted() {
    return unmounted.getCount() > 0 && session.serving();
  }

  /** Whether the mount ended because it was unmounted from outside ({@code fusermount3 -u}, {@code umount}). */
  public boolean unmountedFromOutside() {
    return fromOutside;
  }

  /** Blocks until the mount has ended, whichever way. */
  public void awaitUnmount() throws InterruptedException {
    unmounted.await();
  }

  /**
   * Unmounts (lazily, so a process still inside the mount does not block it) and releases libfuse,
   * within about a second even while clients hold files open (they then see {@code ENOTCONN}).
   * Idempotent; safe from any thread, including the shutdown hook; never throws.
   */
  @Override
  public void close() {
    unmount();
    removeHook();
  }

  private void unmount() {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    runBeforeUnmount();
    // while the session still serves: a touch in flight is answered, and no wakeup reaches a freed session
    operations.stopNotifications();
    try {
      if (!session.close(STOP_TIMEOUT)) {
        LOG.warn("libfuse's loop at {} did not stop within {} s; the mount is detached and the loop left behind",
            dir, STOP_TIMEOUT.toSeconds());
      }
    } finally {
      unmounted.countDown();
    }
  }

  /** Called on libfuse's loop thread once the kernel ended the mount without {@link #close}. */
  private void endedFromOutside() {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    fromOutside = true;
    runBeforeUnmount();
    unmounted.countDown();
    removeHook();
  }

  private void runBeforeUnmount() {
    try {
      beforeUnmount.run();
    } catch (RuntimeException e) {
      // the unmount matters more than the caller's clean-up
    }
  }

  private void removeHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook is running or has run
    }
  }
}
