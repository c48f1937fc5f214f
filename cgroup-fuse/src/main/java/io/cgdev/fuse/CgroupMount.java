package io.cgdev.fuse;

import io.cgdev.api.CgroupFs;
import io.cgdev.fuse.internal.CgroupFuseOperations;
import io.cgdev.fuse.internal.LibFuse;
import io.cgdev.fuse.internal.MountPoints;
import io.cgdev.fuse.internal.Ownership;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.cryptomator.jfuse.api.Fuse;
import org.cryptomator.jfuse.api.FuseBuilder;
import org.cryptomator.jfuse.api.FuseMountFailedException;

/**
 * A {@link CgroupFs} mounted as a real file system, behaving like a kernel cgroup v2 mount: bash,
 * coreutils and cgroup tools read and write its files, {@code mkdir}/{@code rmdir} make and remove
 * cgroups, and {@code chown} delegates a cgroup to a user (see docs/FUSE.md).
 *
 * <p>{@link #mount} returns once the mount answers; requests are then served on libfuse's worker
 * threads until {@link #close}, which a JVM shutdown hook also calls (Ctrl-C, SIGTERM, normal exit),
 * so no mount outlives the process unless it is killed with SIGKILL — and a stale mount left that
 * way is detected by the next {@link #mount} with the command that clears it.
 *
 * <p>The JVM needs {@code --enable-native-access=org.cryptomator.jfuse.linux.amd64,io.cgdev.fuse}
 * (else the JDK prints a warning on first use) and, for mounting, root or access to
 * {@code /dev/fuse}.
 */
public final class CgroupMount implements AutoCloseable {
  private final Path dir;
  private final Fuse fuse;
  private final CgroupFuseOperations operations;
  private final Thread shutdownHook;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch unmounted = new CountDownLatch(1);
  /** Runs first on every way out (close, Ctrl-C, SIGTERM), so work feeding the tree stops before it goes. */
  private volatile Runnable beforeUnmount = () -> {};

  private CgroupMount(Path dir, Fuse fuse, CgroupFuseOperations operations) {
    this.dir = dir;
    this.fuse = fuse;
    this.operations = operations;
    this.shutdownHook = new Thread(this::unmount, "cgdev-fuse-unmount " + dir);
  }

  /**
   * Mounts {@code fs} at the empty folder {@code dir}. Called once per mount, on any thread.
   *
   * @throws MountException if FUSE is not available (naming what to install), if {@code dir} is
   *     missing, not empty, already mounted or a stale mount (naming {@code fusermount3 -u dir}),
   *     or if libfuse refuses the mount
   */
  public static CgroupMount mount(CgroupFs fs, Path dir, MountOptions options) {
    Objects.requireNonNull(fs, "fs");
    Objects.requireNonNull(options, "options");
    Path target = dir.toAbsolutePath().normalize();
    LibFuse lib = LibFuse.load();
    MountPoints.check(target);
    FuseBuilder builder;
    try {
      builder = Fuse.builder();
    } catch (UnsupportedOperationException e) {
      throw new MountException("jfuse has no binding for this platform (needs jfuse-linux-amd64 on the module path)", e);
    }
    builder.setLibraryPath(lib.library().toString());
    CgroupFuseOperations operations = new CgroupFuseOperations(fs, builder.errno(), lib::currentCaller, new Ownership());
    Fuse fuse;
    try {
      fuse = builder.build(operations);
    } catch (UnsatisfiedLinkError e) {
      throw new MountException("cannot load " + lib.library() + ": " + e.getMessage(), e);
    }
    try {
      fuse.mount("cgdev", target, flags(options));
    } catch (FuseMountFailedException | IllegalArgumentException e) {
      closeQuietly(fuse);
      throw new MountException("mounting at " + target + " failed: " + e.getMessage(), e);
    }
    CgroupMount mount = new CgroupMount(target, fuse, operations);
    Runtime.getRuntime().addShutdownHook(mount.shutdownHook);
    return mount;
  }

  /**
   * Mounts, prints where, and blocks until the mount is closed: by Ctrl-C or SIGTERM (through the
   * shutdown hook) or by another thread's {@link #close}. The entry point for {@code cgdev mount}.
   *
   * @throws MountException as {@link #mount}
   * @throws InterruptedException if the waiting thread is interrupted (the mount is closed first)
   */
  public static void serve(CgroupFs fs, Path dir, MountOptions options) throws InterruptedException {
    serve(fs, dir, options, System.out::println, () -> {});
  }

  /**
   * As {@link #serve(CgroupFs, Path, MountOptions)}, telling {@code announce} where it mounted and
   * running {@code beforeUnmount} (e.g. stop live workloads) before the tree goes away, whichever way
   * the mount ends.
   */
  public static void serve(CgroupFs fs, Path dir, MountOptions options, Consumer<String> announce,
      Runnable beforeUnmount) throws InterruptedException {
    try (CgroupMount mount = mount(fs, dir, options)) {
      mount.beforeUnmount(beforeUnmount);
      announce.accept("cgdev: mounted at " + mount.dir() + "; Ctrl-C or SIGTERM unmounts");
      mount.awaitUnmount();
    }
  }

  /**
   * Sets what runs just before unmounting, on the closing thread or in the shutdown hook (so it must
   * not wait for the JVM's other shutdown hooks). A throw is ignored: the unmount matters more.
   */
  public CgroupMount beforeUnmount(Runnable action) {
    this.beforeUnmount = Objects.requireNonNull(action, "action");
    return this;
  }

  private static String[] flags(MountOptions options) {
    List<String> flags = new ArrayList<>();
    if (options.singleThreaded()) {
      flags.add("-s");
    }
    if (options.debug()) {
      flags.add("-d");
    }
    // no attribute or entry caching in the kernel: a cgroup folder changes without a VFS call on it
    // (enabling a controller adds entries to the children), and kernfs answers every stat afresh
    StringBuilder o = new StringBuilder("default_permissions,fsname=" + options.fsName() + ",subtype=cgdev"
        + ",attr_timeout=0,entry_timeout=0,negative_timeout=0");
    if (options.allowOther()) {
      o.append(",allow_other");
    }
    flags.add("-o");
    flags.add(o.toString());
    return flags.toArray(String[]::new);
  }

  /** The absolute mount point. */
  public Path dir() {
    return dir;
  }

  /** Whether libfuse opens every file with direct I/O (see docs/FUSE.md). */
  public boolean directIo() {
    return operations.directIo();
  }

  /** Files open through the mount now (tests check that dead clients release theirs). */
  int openFiles() {
    return operations.openHandles();
  }

  /** Blocks until the mount is closed. */
  public void awaitUnmount() throws InterruptedException {
    unmounted.await();
  }

  /**
   * Unmounts (lazily, so a process still inside the mount does not block it) and releases libfuse.
   * Idempotent; safe from any thread, including the shutdown hook.
   *
   * @throws MountException if libfuse did not stop in time
   */
  @Override
  public void close() {
    unmount();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook is running or has run
    }
  }

  private void unmount() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      beforeUnmount.run();
    } catch (RuntimeException e) {
      // the unmount matters more than the caller's clean-up
    }
    try {
      fuse.close();
    } catch (TimeoutException e) {
      throw new MountException("unmounting " + dir + " timed out; clear it with: fusermount3 -u " + dir, e);
    } finally {
      unmounted.countDown();
    }
  }

  private static void closeQuietly(Fuse fuse) {
    try {
      fuse.close();
    } catch (TimeoutException | RuntimeException e) {
      // reporting the mount failure matters more
    }
  }
}
