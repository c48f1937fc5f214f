package io.cgdev.fuse;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;

/**
 * Set-up shared by the tests that mount. Where FUSE is missing they are skipped, and the build says
 * why in one line (what to install); {@code CGDEV_REQUIRE_FUSE=1} (set by {@code .ci/run}) turns a
 * missing FUSE into a failure instead, so CI never skips them. {@code CGDEV_SKIP_FUSE=1} skips them
 * even where FUSE works.
 */
final class FuseTesting {
  static final String REQUIRE_VARIABLE = "CGDEV_REQUIRE_FUSE";
  static final String SKIP_VARIABLE = "CGDEV_SKIP_FUSE";
  private static final AtomicBoolean SAID = new AtomicBoolean();

  private FuseTesting() {}

  /** What a test that needs FUSE does here. */
  sealed interface Decision {
    /** FUSE works: run. */
    record Run() implements Decision {}

    /** Skip, with the line that says why. */
    record Skip(String line) implements Decision {}

    /** Fail, with the reason. */
    record Fail(String reason) implements Decision {}
  }

  /**
   * Aborts the calling test (a skip) when FUSE is missing or {@code CGDEV_SKIP_FUSE=1}, printing
   * the reason once per test run; fails it instead when {@code CGDEV_REQUIRE_FUSE=1}.
   */
  static void requireFuse() {
    switch (decide(unavailableReason(), System.getenv())) {
      case Decision.Run run -> { }
      case Decision.Skip skip -> {
        if (SAID.compareAndSet(false, true)) {
          System.out.println(skip.line());
          System.out.flush();
        }
        Assumptions.abort(skip.line());
      }
      case Decision.Fail failure -> fail(failure.reason());
    }
  }

  /** Why FUSE cannot be tested here, or empty: the library's own check plus the tools the tests use. */
  static Optional<String> unavailableReason() {
    Optional<String> reason = CgroupMount.unavailableReason();
    if (reason.isEmpty() && !onPath("fusermount3")) {
      reason = Optional.of("fusermount3 is not on the PATH (install it: apt-get install fuse3)");
    }
    return reason;
  }

  /** The policy, apart from the machine: what to do given why FUSE is missing (if it is) and the environment. */
  static Decision decide(Optional<String> missing, Map<String, String> env) {
    if ("1".equals(env.get(SKIP_VARIABLE))) {
      return new Decision.Skip("cgroup-fuse: FUSE tests skipped because " + SKIP_VARIABLE + "=1");
    }
    if (missing.isEmpty()) {
      return new Decision.Run();
    }
    if ("1".equals(env.get(REQUIRE_VARIABLE))) {
      return new Decision.Fail(missing.get() + " — and " + REQUIRE_VARIABLE + "=1 asks for the FUSE tests to run");
    }
    return new Decision.Skip("cgroup-fuse: FUSE tests skipped: " + missing.get()
        + " (set " + REQUIRE_VARIABLE + "=1 to make this a failure)");
  }

  private static boolean onPath(String command) {
    for (String folder : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, command))) {
        return true;
      }
    }
    return false;
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
