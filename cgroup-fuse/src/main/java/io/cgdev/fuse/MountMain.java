package io.cgdev.fuse;

import io.cgdev.api.CgroupFs;
import io.cgdev.core.Cgroups;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -m io.cgdev.fuse/io.cgdev.fuse.MountMain <dir> [-d] [-s]}: boots a hierarchy with
 * the controllers and drivers found on the module path and serves it at {@code dir} until Ctrl-C,
 * SIGTERM or an unmount from outside, then prints one line saying which and exits. The {@code
 * cgdev mount} command does the same after loading a scenario, through {@link CgroupMount#serve}.
 */
public final class MountMain {
  /** How long a signal's shutdown waits for the closing line to be printed. */
  private static final long REPORT_WAIT_SECONDS = 2;

  private MountMain() {}

  public static void main(String[] args) {
    Path dir = null;
    MountOptions options = MountOptions.defaults();
    for (String arg : args) {
      switch (arg) {
        case "-d", "--debug" -> options = options.withDebug(true);
        case "-s", "--single-threaded" -> options = options.withSingleThreaded(true);
        default -> {
          if (arg.startsWith("-") || dir != null) {
            usage("unexpected argument " + arg);
          }
          dir = Path.of(arg);
        }
      }
    }
    if (dir == null) {
      usage("missing mount point");
    }
    try (Cgroups cgroups = Cgroups.builder().discover(true).build()) {
      if (!serveAndReport(cgroups.fs(), dir, options, System.out)) {
        System.exit(1);
      }
    }
  }

  /**
   * Mounts {@code fs} at {@code dir}, serves it until the mount ends, and prints one line at each
   * end: where it mounted, and how it ended (unmounted on a signal or close, or from outside). On a
   * signal, a shutdown hook holds the JVM until the closing line is out, so nothing but that line
   * (no stack trace) follows the signal. Used by this class and by the test daemons.
   *
   * @return false if the mount could not be made (the reason was printed to stderr)
   */
  public static boolean serveAndReport(CgroupFs fs, Path dir, MountOptions options, PrintStream out) {
    CountDownLatch reported = new CountDownLatch(1);
    Thread holdForReport = new Thread(() -> {
      try {
        reported.await(REPORT_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "cgdev-mount-report");
    Runtime.getRuntime().addShutdownHook(holdForReport);
    try (CgroupMount mount = CgroupMount.mount(fs, dir, options)) {
      out.println("cgdev: mounted at " + mount.dir() + "; Ctrl-C or SIGTERM unmounts");
      out.flush();
      mount.awaitUnmount();
      out.println(mount.unmountedFromOutside()
          ? "cgdev: " + mount.dir() + " was unmounted from outside; exiting"
          : "cgdev: unmounted " + mount.dir());
      out.flush();
      return true;
    } catch (MountException e) {
      System.err.println("cgdev mount: " + e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    } finally {
      reported.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(holdForReport);
      } catch (IllegalStateException e) {
        // shutting down: the hook is running and returns now that the line is out
      }
    }
  }

  private static void usage(String problem) {
    System.err.println("cgdev mount: " + problem);
    System.err.println("usage: MountMain <empty folder> [-d|--debug] [-s|--single-threaded]");
    System.exit(2);
  }
}
