package io.cgdev.fuse;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  static Result bashAs(String user, Path cwd, String script) {
    return run(cwd, List.of("runuser", "-u", user, "--", "bash", "-c", script));
  }

  static Result run(Path cwd, List<String> command) {
    try {
      Process p = new ProcessBuilder(new ArrayList<>(command)).directory(cwd.toFile()).start();
      p.getOutputStream().close();
      var out = p.getInputStream();
      var err = p.getErrorStream();
      // small outputs: read after exit is fine, but drain stderr concurrently to be safe
      var errText = new java.util.concurrent.CompletableFuture<String>();
      Thread.ofVirtual().start(() -> {
        try {
          errText.complete(new String(err.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
          errText.complete("<" + e + ">");
        }
      });
      String outText = new String(out.readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("timed out: " + command);
      }
      return new Result(p.exitValue(), outText, errText.get(10, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new AssertionError("could not run " + command + ": " + e, e);
    }
  }
}
