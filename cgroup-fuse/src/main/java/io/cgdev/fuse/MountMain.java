package io.cgdev.fuse;

import io.cgdev.core.Cgroups;
import java.nio.file.Path;

/**
 * {@code java -m io.cgdev.fuse/io.cgdev.fuse.MountMain <dir> [-d] [-s]}: boots a hierarchy with
 * the controllers and drivers found on the module path and serves it at {@code dir} until Ctrl-C
 * or SIGTERM. The {@code cgdev mount} command does the same after loading a scenario, through
 * {@link CgroupMount#serve}.
 */
public final class MountMain {
  private MountMain() {}

  public static void main(String[] args) throws InterruptedException {
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
      CgroupMount.serve(cgroups.fs(), dir, options);
    } catch (MountException e) {
      System.err.println("cgdev mount: " + e.getMessage());
      System.exit(1);
    }
  }

  private static void usage(String problem) {
    System.err.println("cgdev mount: " + problem);
    System.err.println("usage: MountMain <empty folder> [-d|--debug] [-s|--single-threaded]");
    System.exit(2);
  }
}
