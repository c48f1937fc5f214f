package io.cgdev.fuse;

import java.nio.file.Path;

/**
 * A daemon for the lifecycle tests and the latency benchmark: serves a {@link FakeCgroupFs} at the
 * given folder as {@link MountMain} serves the real core, with the same two lines.
 */
public final class FakeMountMain {
  private FakeMountMain() {}

  public static void main(String[] args) {
    if (!MountMain.serveAndReport(new FakeCgroupFs(), Path.of(args[0]), MountOptions.defaults(), System.out)) {
      System.exit(1);
    }
  }
}
