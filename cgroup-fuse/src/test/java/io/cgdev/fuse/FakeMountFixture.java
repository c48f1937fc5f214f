package io.cgdev.fuse;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests that drive a mount of the fake tree start from: before each test a fresh {@link
 * FakeCgroupFs} mounted with the default options at {@link #dir} (FUSE must be there: {@link
 * FuseTesting#requireFuse}), unmounted after it.
 */
abstract class FakeMountFixture {
  @TempDir Path temp;
  FakeCgroupFs fs;
  CgroupMount mount;
  Path dir;

  @BeforeEach
  void mount() {
    FuseTesting.requireFuse();
    fs = new FakeCgroupFs();
    dir = FuseTesting.mountPoint(temp);
    mount = CgroupMount.mount(fs, dir, MountOptions.defaults());
  }

  @AfterEach
  void unmount() {
    if (mount != null) {
      mount.close();
      afterUnmount();
    }
  }

  /** Checks a test class makes once its mount is closed; none by default. */
  void afterUnmount() {}
}
