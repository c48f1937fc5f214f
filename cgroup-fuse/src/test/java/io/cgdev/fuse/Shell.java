package io.cgdev.fuse;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs bash scripts as real processes, as root or (through runuser) as another user. */
final class Shell {
  /** What a script left: its exit code and its output. */
  record Result(int exit, String out, String err) {
    String outLine() {
      return out.strip();
    }
  }

  private Shell() {}

  static Result bash(Path cwd, String script) {
    return run(cwd, List.of("bash", "-c", script));
  }

  /** As {@link #bash(Path, String)}, for a long script: fails once it has run {@code timeoutSeconds}. */
  static Result bash(Path cwd, String script, long timeoutSeconds) {
    return run(cwd, List.of("bash", "-c", script), timeoutSeconds);
  }

  static Result bashAs(String user, Path cwd, String script) {
    return run(cwd, List.of("runuser", "-u", user, "--", "bash", "-c", script));
  }

  static Result run(Path cwd, List<String> command) {
    return run(cwd, command, 30);
  }

  /** Runs {@code command}; fails the test if it has not ended after {@code timeoutSeconds} (a bound, not a measurement). */
  static Result run(Path cwd, List<String> command, long timeoutSeconds) {
    try {
      Process p = new ProcessBuilder(new ArrayList<>(command)).directory(cwd.toFile()).start();
      p.getOutputStream().close();
      var outText = drain(p.getInputStream());
      var errText = drain(p.getErrorStream());
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("timed out after " + timeoutSeconds + " s: " + command);
      }
      return new Result(p.exitValue(), outText.get(10, TimeUnit.SECONDS), errText.get(10, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new AssertionError("could not run " + command + ": " + e, e);
    }
  }

  /** Reads a stream to its end on a virtual thread, so neither pipe of a child can fill up and block it. */
  private static CompletableFuture<String> drain(InputStream in) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        text.complete("<" + e + ">");
      }
    });
    return text;
  }
}
