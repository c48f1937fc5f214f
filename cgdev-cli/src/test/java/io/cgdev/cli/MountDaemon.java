package io.cgdev.cli;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * One {@code cgdev mount} in a child JVM (as the launcher runs it), for tests that kill and restart
 * it: {@link #start} returns once it reports its mount; {@link #close} leaves nothing behind (the
 * process killed, the folder unmounted, lazily if busy), whatever state it is in.
 */
final class MountDaemon implements AutoCloseable {
  /** Upper bound of every wait (a failure, never a measurement). */
  static final long WAIT_SECONDS = 30;

  private final Process process;
  private final Path dir;
  private final Path err;

  private MountDaemon(Process process, Path dir, Path err) {
    this.process = process;
    this.dir = dir;
    this.err = err;
  }

  /**
   * Runs {@code java JVM_OPTIONS -m io.cgdev.cli/io.cgdev.cli.Main mount DIR ARGS} and waits for its
   * {@code mounted at} line; its standard error goes to {@code err}.
   */
  static MountDaemon start(Path dir, Path err, List<String> jvmOptions, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=io.cgdev.fuse", "-XX:TieredStopAtLevel=1"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-p", modulePath(), "-m", "io.cgdev.cli/io.cgdev.cli.Main", "mount", dir.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
    MountDaemon daemon = new MountDaemon(process, dir, err);
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (IOException e) {
        return "read failed: " + e;
      }
    });
    String first;
    try {
      first = line.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      first = null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      first = null;
    }
    if (first == null || !first.startsWith("cgdev: mounted at " + dir)) {
      daemon.close();
      fail("cgdev mount did not report its mount (stdout: " + first + "; stderr: " + Files.readString(err) + ")");
    }
    return daemon;
  }

  Process process() {
    return process;
  }

  String stderr() throws IOException {
    return Files.readString(err);
  }

  /** SIGKILL, then the stale mount it leaves cleared ({@code fusermount3 -u}). */
  void kill9() throws IOException, InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
      fail("cgdev mount did not die of SIGKILL in " + WAIT_SECONDS + " s");
    }
    unmount(false);
  }

  @Override
  public void close() throws IOException {
    try {
      if (process.isAlive()) {
        process.destroyForcibly().waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
      }
      if (isMountPoint(dir)) {
        unmount(true);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void unmount(boolean lazy) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(lazy ? List.of("fusermount3", "-u", "-z", dir.toString())
        : List.of("fusermount3", "-u", dir.toString())).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      fail("fusermount3 -u " + dir + " failed: " + output);
    }
  }

  /** Whether {@code dir} is a mount point now, per {@code /proc/self/mountinfo} (field 5). */
  static boolean isMountPoint(Path dir) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
      String[] fields = line.split(" ");
      if (fields.length > 4 && fields[4].equals(dir.toString())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The tool's modules as surefire put them on this JVM's module path: the main classes and their
   * dependencies, without the test framework (which the child does not need).
   */
  static String modulePath() {
    List<String> entries = new ArrayList<>();
    for (String property : List.of("jdk.module.path", "java.class.path")) {
      for (String entry : System.getProperty(property, "").split(File.pathSeparator)) {
        String name = Path.of(entry).getFileName() == null ? "" : Path.of(entry).getFileName().toString();
        boolean testOnly = name.isEmpty() || name.equals("test-classes") || name.startsWith("junit-")
            || name.startsWith("assertj-") || name.startsWith("opentest4j") || name.startsWith("apiguardian")
            || name.startsWith("surefire") || name.startsWith("common-") || name.startsWith("byte-buddy")
            || name.startsWith("mockito") || name.startsWith("objenesis");
        if (!testOnly && !entries.contains(entry)) {
          entries.add(entry);
        }
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  /**
   * Skips (with the reason: what to install) when FUSE is missing or {@code CGDEV_SKIP_FUSE=1};
   * fails instead when {@code CGDEV_REQUIRE_FUSE=1} (set by {@code .ci/run}), as the other FUSE tests do.
   */
  static void requireFuse() {
    String reason = io.cgdev.fuse.CgroupMount.unavailableReason().orElse(null);
    if (reason == null && !onPath("fusermount3")) {
      reason = "fusermount3 is not on the PATH (install it: apt-get install fuse3)";
    }
    if ("1".equals(System.getenv("CGDEV_SKIP_FUSE"))) {
      Assumptions.abort("CGDEV_SKIP_FUSE=1");
    }
    if (reason == null) {
      return;
    }
    if ("1".equals(System.getenv("CGDEV_REQUIRE_FUSE"))) {
      fail(reason + " — and CGDEV_REQUIRE_FUSE=1 asks for the FUSE tests to run");
    }
    Assumptions.abort("FUSE tests skipped: " + reason);
  }

  private static boolean onPath(String program) {
    for (String folder : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, program))) {
        return true;
      }
    }
    return false;
  }
}
