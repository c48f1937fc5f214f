package io.cgdev.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.fuse.client.Libc;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs the test client ({@code io.cgdev.fuse.client}, JDK only) in a child JVM as another user:
 * its class files are copied to a folder every user can read, and {@code runuser} starts {@code
 * java} from this JVM's JDK with native access granted.
 */
final class ClientJvm {
  private final Path classes;

  private ClientJvm(Path classes) {
    this.classes = classes;
  }

  /** Copies the client's class files under {@code folder} (made readable by all). */
  static ClientJvm stage(Path folder) throws IOException, URISyntaxException {
    Path source = Path.of(Libc.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolve("io/cgdev/fuse/client");
    Path target = folder.resolve("client-classes");
    Path packageDir = Files.createDirectories(target.resolve("io/cgdev/fuse/client"));
    try (Stream<Path> files = Files.list(source)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        Files.copy(f, packageDir.resolve(f.getFileName()));
      }
    }
    try (Stream<Path> all = Files.walk(folder)) {
      for (Path p : all.toList()) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    return new ClientJvm(target);
  }

  /** Runs {@code mainClass} with {@code args} as {@code user} and returns what it printed; fails on a non-zero exit. */
  List<String> runAs(String user, Class<?> mainClass, List<String> args) {
    List<String> command = new ArrayList<>(List.of("runuser", "-u", user, "--",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        "--enable-native-access=ALL-UNNAMED", "-cp", classes.toString(), mainClass.getName()));
    command.addAll(args);
    Shell.Result r = Shell.run(Path.of("/"), command, 1800);
    assertThat(r.exit()).as("%s as %s: %s", mainClass.getSimpleName(), user, r.err()).isZero();
    return r.out().lines().toList();
  }
}
