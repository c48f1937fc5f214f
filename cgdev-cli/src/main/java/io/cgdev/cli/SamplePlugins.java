package io.cgdev.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where {@code --with-samples} finds the example plugins: {@code $CGDEV_SAMPLES} (folders of jars,
 * separated by {@code :})
 * if set, else the build folders of {@code sample-gem-controller} and {@code sample-rdma-driver} next
 * to the tool's own module in the source tree.
 */
final class SamplePlugins {
  /** The built-in demo scenario (a resource of this module). */
  static final String DEMO_SCENARIO = "/io/cgdev/sim/scenario/demo.yaml";
  /** The demo with sections for the example plugins (gem limits, rdma memory). */
  static final String DEMO_WITH_SAMPLES_SCENARIO = "/io/cgdev/sim/scenario/demo-with-samples.yaml";

  private static final List<String> MODULES = List.of("sample-gem-controller", "sample-rdma-driver");

  private SamplePlugins() {}

  static List<Path> folders() {
    String env = System.getenv("CGDEV_SAMPLES");
    if (env != null && !env.isBlank()) {
      return java.util.Arrays.stream(env.split(java.io.File.pathSeparator)).filter(x -> !x.isBlank()).map(Path::of).toList();
    }
    Path repo = repositoryRoot();
    List<Path> found = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String module : MODULES) {
      Path target = repo == null ? null : buildFolder(repo.resolve(module), module);
      if (target != null) {
        found.add(target);
      } else {
        missing.add(module);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("--with-samples: no build of " + missing
          + " found; build them (./mvnw -q package -pl " + String.join(",", MODULES) + " -am) or set CGDEV_SAMPLES");
    }
    return found;
  }

  /** The module's build folder holding its jar: {@code target}, else a {@code target-*} one. */
  private static Path buildFolder(Path moduleDir, String module) {
    if (!Files.isDirectory(moduleDir)) {
      return null;
    }
    try (var dirs = Files.list(moduleDir)) {
      return dirs.filter(d -> d.getFileName().toString().startsWith("target"))
          .filter(d -> Files.isRegularFile(d.resolve(module + "-0.1.0-SNAPSHOT.jar")) || hasJar(d, module))
          .sorted((a, b) -> a.getFileName().toString().equals("target") ? -1 : b.getFileName().toString().equals("target") ? 1 : a.compareTo(b))
          .findFirst().orElse(null);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static boolean hasJar(Path dir, String module) {
    try (var files = Files.list(dir)) {
      return files.anyMatch(f -> f.getFileName().toString().startsWith(module + "-") && f.toString().endsWith(".jar"));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** The source tree the tool's jar was built in: {@code <repo>/cgdev-cli/target/cgdev-cli-*.jar}. */
  private static Path repositoryRoot() {
    try {
      var cs = SamplePlugins.class.getProtectionDomain().getCodeSource();
      if (cs == null) {
        return null;
      }
      Path p = Path.of(cs.getLocation().toURI()).toAbsolutePath();
      // a jar in cgdev-cli/target, or classes in cgdev-cli/<out>/classes
      for (Path q = p; q != null; q = q.getParent()) {
        if (Files.isRegularFile(q.resolve("mvnw")) && Files.isDirectory(q.resolve("cgdev-cli"))) {
          return q;
        }
      }
      return null;
    } catch (URISyntaxException | SecurityException e) {
      return null;
    }
  }
}
