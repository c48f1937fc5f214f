package io.cgdev.fuse;

import static org.assertj.core.api.Assertions.fail;

import io.cgdev.fuse.internal.LibFuse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** Set-up shared by the tests that mount: FUSE must be there, or the test fails saying why. */
final class FuseTesting {
  static final String SKIP_VARIABLE = "CGDEV_SKIP_FUSE";

  private FuseTesting() {}

  /**
   * Fails with the reason when FUSE is missing, unless {@code CGDEV_SKIP_FUSE=1} is set, in which
   * case the test is skipped (aborted) with the reason.
   */
  static void requireFuse() {
    Optional<String> reason = LibFuse.unavailableReason();
    if (reason.isEmpty()) {
      return;
    }
    if ("1".equals(System.getenv(SKIP_VARIABLE))) {
      Assumptions.abort(SKIP_VARIABLE + "=1 and " + reason.get());
    }
    fail(reason.get() + " — install fuse3 and run as root, or set " + SKIP_VARIABLE + "=1 to skip the FUSE tests");
  }

  /** A fresh, empty mount point that every user can reach. */
  static Path mountPoint(Path tempDir) {
    try {
      Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path dir = Files.createDirectory(tempDir.resolve("cgroup"));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
