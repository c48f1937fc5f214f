package io.cgdev.conformance;

import io.cgdev.api.CgroupFs;
import io.cgdev.fuse.MountException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The two sides and a runner, opened together and closed together. Without a usable host (no
 * cgroup2, not root, no hugetlb) or without FUSE, {@link #openOrSkip} skips the calling test with
 * one line saying why — unless {@value #REQUIRE_HOST} or {@value #REQUIRE_FUSE} is {@code 1} (CI
 * sets them), which makes the same line a failure.
 */
final class Harness implements AutoCloseable {
  static final String REQUIRE_HOST = "CGDEV_REQUIRE_HOST_CGROUP";
  static final String REQUIRE_FUSE = "CGDEV_REQUIRE_FUSE";
  /** Helper processes (host) and modelled tasks (cgdev) that steps move between cgroups. */
  static final int PROCESSES = 3;

  final HostSide host;
  final CgdevSide cgdev;
  final Runner runner;
  private final PrintStream log;

  private Harness(HostSide host, CgdevSide cgdev, PrintStream log) {
    this.host = host;
    this.cgdev = cgdev;
    this.runner = new Runner(host, cgdev);
    this.log = log;
  }

  /**
   * Opens both sides, or aborts (skips) the test saying why, or fails when CI requires the host.
   *
   * @param wrap the cgdev file view as mounted: identity, or a fault injected by a test
   */
  static Harness openOrSkip(Path temp, UnaryOperator<CgroupFs> wrap, PrintStream log) throws Exception {
    Path[] root = new Path[1];
    Optional<String> unusable = HostCgroup2.unusableReason(root);
    if (unusable.isPresent()) {
      skipOrFail(unusable.get(), REQUIRE_HOST);
    }
    HostSide host = HostSide.open(root[0], HostCgroup2.CONTROLLER, PROCESSES, log);
    try {
      CgdevSide cgdev;
      try {
        cgdev = CgdevSide.open(temp, host.controllerFiles(), PROCESSES, wrap);
      } catch (MountException e) {
        skipOrFail(e.getMessage(), REQUIRE_FUSE, REQUIRE_HOST);
        throw e;
      }
      return new Harness(host, cgdev, log);
    } catch (Exception | Error e) {
      host.close();
      throw e;
    }
  }

  private static void skipOrFail(String reason, String... requiring) {
    for (String variable : requiring) {
      if ("1".equals(System.getenv(variable))) {
        Assertions.fail("cgroup-conformance cannot run and " + variable + "=1 requires it: " + reason);
      }
    }
    System.out.println("cgroup-conformance skipped: " + reason);
    Assumptions.abort(reason);
  }

  /** The names the generator must never give a cgroup (docs/ARCHITECTURE.md §7). */
  Set<String> forbiddenNames() {
    Set<String> out = new HashSet<>(host.hiddenEntries());
    out.addAll(cgdev.hiddenEntries());
    return out;
  }

  List<String> mirrorFiles() {
    List<String> out = new ArrayList<>();
    for (String f : host.controllerFiles().keySet()) {
      out.add(HostCgroup2.CONTROLLER + "." + f);
    }
    out.sort(null);
    return out;
  }

  /** What a campaign found: steps run, and the shrunk divergence with its script, if any. */
  record Report(long seed, int sequences, long steps, Runner.Run shrunk, String script, Path scriptFile) {
    boolean diverged() {
      return shrunk != null;
    }
  }

  /**
   * Runs {@code sequences} sequences of {@code length} steps from {@code seed}; at the first
   * divergence shrinks it, writes the replay script to {@code out} and stops.
   */
  Report campaign(long seed, int sequences, int length, boolean staleHandles, Path out) throws IOException {
    Random random = new Random(seed);
    long started = System.nanoTime();
    log.printf("conformance: seed %d: %d sequences of %d steps (rerun with -Dcgdev.conformance.seed=%d)%n", seed, sequences,
        length, seed);
    for (int i = 0; i < sequences; i++) {
      Generator generator = new Generator(new Random(random.nextLong()), mirrorFiles(), forbiddenNames(), PROCESSES, staleHandles);
      Runner.Run run = runner.generate(generator, length);
      if (run.divergence() != null) {
        log.printf("conformance: seed %d, sequence %d diverged at %s; shrinking %d steps%n", seed, i + 1,
            run.divergence(), run.steps().size());
        Shrinker shrinker = new Shrinker(candidate -> runner.replay(candidate) != null);
        List<Step> minimal = shrinker.shrink(run.steps());
        Runner.Run shrunk = runner.replayWithOutcomes(minimal);
        if (shrunk.divergence() == null) {
          shrunk = run; // flaky: keep the original
        }
        String title = "seed " + seed + ", sequence " + (i + 1) + " (rerun: -Dcgdev.conformance.seed=" + seed + ")";
        String script = ReplayScript.of(title, shrunk, PROCESSES);
        Files.createDirectories(out);
        Path file = out.resolve("replay-" + seed + ".sh");
        Files.writeString(file, script, StandardCharsets.UTF_8);
        log.printf("conformance: shrunk to %d step(s) in %d replays; %s%n%s", shrunk.steps().size(), shrinker.tries(), file, script);
        return new Report(seed, i + 1, runner.steps(), shrunk, script, file);
      }
      if ((i + 1) % 50 == 0) {
        log.printf("conformance: seed %d: %d/%d sequences, %d steps, %.1f s%n", seed, i + 1, sequences, runner.steps(),
            (System.nanoTime() - started) / 1e9);
      }
    }
    return new Report(seed, sequences, runner.steps(), null, null, null);
  }

  @Override
  public void close() {
    try {
      cgdev.close();
    } finally {
      host.close();
    }
  }
}
