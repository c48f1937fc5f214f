package io.cgdev.fuse;

import java.nio.file.Path;

/** A daemon for the lifecycle tests: mounts a {@link FakeCgroupFs}, says so, and serves. */
public final class FakeMountMain {
  private FakeMountMain() {}

  public static void main(String[] args) throws InterruptedException {
    try (CgroupMount mount = CgroupMount.mount(new FakeCgroupFs(), Path.of(args[0]), MountOptions.defaults())) {
      System.out.println("mounted " + mount.dir());
      System.out.flush();
      mount.awaitUnmount();
    }
  }
}
