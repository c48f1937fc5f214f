package io.cgdev.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.fuse.internal.LibFuse;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a machine without libfuse3 sees, made real by pointing the library lookup at an empty
 * search path ({@link LibFuse#SEARCH_PATH_PROPERTY}): the mount refuses with what to install, the
 * FUSE tests skip with one line, and {@code CGDEV_REQUIRE_FUSE=1} (CI) turns that into a failure.
 * Runs everywhere; needs no FUSE.
 */
class FuseTestingTest {
  private static final String INSTALL = "libfuse3.so.3 not found (install it: apt-get install fuse3)";

  @TempDir Path temp;

  @Test
  void withoutTheLibraryTheMountSaysWhatToInstall() {
    String before = System.getProperty(LibFuse.SEARCH_PATH_PROPERTY);
    System.setProperty(LibFuse.SEARCH_PATH_PROPERTY, "");
    try {
      assertThat(CgroupMount.unavailableReason()).hasValueSatisfying(r -> assertThat(r).contains(INSTALL));
      assertThatThrownBy(() -> CgroupMount.mount(new FakeCgroupFs(), temp, MountOptions.defaults()))
          .isInstanceOf(MountException.class).hasMessageContaining(INSTALL);
      FuseTesting.Decision skip = FuseTesting.decide(FuseTesting.unavailableReason(), Map.of());
      assertThat(skip).isInstanceOfSatisfying(FuseTesting.Decision.Skip.class, s -> {
        assertThat(s.line()).startsWith("cgroup-fuse: FUSE tests skipped: ").contains(INSTALL)
            .contains("CGDEV_REQUIRE_FUSE=1").doesNotContain("\n");
      });
      FuseTesting.Decision required = FuseTesting.decide(FuseTesting.unavailableReason(), Map.of("CGDEV_REQUIRE_FUSE", "1"));
      assertThat(required).isInstanceOfSatisfying(FuseTesting.Decision.Fail.class,
          f -> assertThat(f.reason()).contains(INSTALL, "CGDEV_REQUIRE_FUSE=1"));
    } finally {
      if (before == null) {
        System.clearProperty(LibFuse.SEARCH_PATH_PROPERTY);
      } else {
        System.setProperty(LibFuse.SEARCH_PATH_PROPERTY, before);
      }
    }
  }

  @Test
  void thePolicyRunsSkipsOrFails() {
    Optional<String> missing = Optional.of("/dev/fuse is missing");
    assertThat(FuseTesting.decide(Optional.empty(), Map.of())).isInstanceOf(FuseTesting.Decision.Run.class);
    assertThat(FuseTesting.decide(Optional.empty(), Map.of("CGDEV_REQUIRE_FUSE", "1"))).isInstanceOf(FuseTesting.Decision.Run.class);
    assertThat(FuseTesting.decide(missing, Map.of())).isInstanceOf(FuseTesting.Decision.Skip.class);
    assertThat(FuseTesting.decide(missing, Map.of("CGDEV_REQUIRE_FUSE", "0"))).isInstanceOf(FuseTesting.Decision.Skip.class);
    assertThat(FuseTesting.decide(missing, Map.of("CGDEV_REQUIRE_FUSE", "1"))).isInstanceOf(FuseTesting.Decision.Fail.class);
    assertThat(FuseTesting.decide(Optional.empty(), Map.of("CGDEV_SKIP_FUSE", "1"))).isInstanceOf(FuseTesting.Decision.Skip.class);
  }

  @Test
  void aDaemonWithoutTheLibraryExitsWithOneLineSayingWhatToInstall() throws Exception {
    Set<String> cp = new LinkedHashSet<>();
    for (String property : List.of("jdk.module.path", "java.class.path")) {
      for (String entry : System.getProperty(property, "").split(File.pathSeparator)) {
        if (!entry.isEmpty()) {
          cp.add(entry);
          if (entry.endsWith(File.separator + "classes") && entry.contains("cgroup-fuse")) {
            cp.add(Path.of(entry).resolveSibling("test-classes").toString());
          }
        }
      }
    }
    Path dir = Files.createDirectory(temp.resolve("mnt"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-D" + LibFuse.SEARCH_PATH_PROPERTY + "=", "-cp",
        String.join(File.pathSeparator, cp), FakeMountMain.class.getName(), dir.toString()));
    Process daemon = new ProcessBuilder(command).start();
    assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String err = new String(daemon.getErrorStream().readAllBytes());
    assertThat(daemon.exitValue()).isEqualTo(1);
    assertThat(err.lines().toList()).singleElement().asString().startsWith("cgdev mount: FUSE is not available: ")
        .contains(INSTALL);
  }
}
