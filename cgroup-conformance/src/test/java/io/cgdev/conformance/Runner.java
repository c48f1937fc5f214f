package io.cgdev.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs sequences on both sides, step by step, each sequence on fresh bases, and compares every
 * step's outcome. One read is retried for up to {@value #SETTLE_MILLIS} ms before a difference
 * counts: {@code cgroup.stat}, because the kernel frees removed cgroups asynchronously (RCU and a
 * work item), so its {@code nr_dying_*} counts stay up for a while after an rmdir where cgdev, with
 * no charges held, frees at once; both settle to the same value. Nothing else is retried: every
 * other outcome of the kernel is synchronous, and a retry would hide a stale cache in the mount.
 */
final class Runner {
  static final int SETTLE_MILLIS = 5_000;

  /** Where two outcomes first differ. */
  record Divergence(int index, Step step, String kernel, String cgdev) {
    @Override
    public String toString() {
      return "step " + (index + 1) + " " + step + ": kernel " + kernel + " | cgdev " + cgdev;
    }
  }

  /** A sequence that ran: its steps (up to the divergence), the kernel's outcomes, the divergence or null. */
  record Run(List<Step> steps, List<String> kernel, Divergence divergence) {}

  private final HostSide host;
  private final CgdevSide cgdev;
  private long steps;

  Runner(HostSide host, CgdevSide cgdev) {
    this.host = host;
    this.cgdev = cgdev;
  }

  /** Generates and runs {@code n} steps, stopping at the first divergence. */
  Run generate(Generator generator, int n) {
    freshBases();
    Step.Session k = new Step.Session(host);
    Step.Session c = new Step.Session(cgdev);
    List<Step> done = new ArrayList<>();
    List<String> outcomes = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        Step step = generator.next();
        done.add(step);
        String[] pair = runStep(step, k, c);
        outcomes.add(pair[0]);
        if (pair[1] != null) {
          return new Run(done, outcomes, new Divergence(i, step, pair[0], pair[1]));
        }
        generator.observe(step, pair[0]);
      }
      return new Run(done, outcomes, null);
    } finally {
      k.closeAll();
      c.closeAll();
    }
  }

  /** Runs given steps on fresh bases; the first divergence, or null. */
  Divergence replay(List<Step> sequence) {
    return replayWithOutcomes(sequence).divergence();
  }

  /** As {@link #replay}, keeping the kernel's outcomes (for the replay script's comments). */
  Run replayWithOutcomes(List<Step> sequence) {
    freshBases();
    Step.Session k = new Step.Session(host);
    Step.Session c = new Step.Session(cgdev);
    List<String> outcomes = new ArrayList<>();
    try {
      for (int i = 0; i < sequence.size(); i++) {
        Step step = sequence.get(i);
        String[] pair = runStep(step, k, c);
        outcomes.add(pair[0]);
        if (pair[1] != null) {
          return new Run(sequence.subList(0, i + 1), outcomes, new Divergence(i, step, pair[0], pair[1]));
        }
      }
      return new Run(sequence, outcomes, null);
    } finally {
      k.closeAll();
      c.closeAll();
    }
  }

  /** The kernel's outcome, and cgdev's if it differs (else null). */
  private String[] runStep(Step step, Step.Session k, Step.Session c) {
    steps++;
    String kernel = step.run(k);
    String mount = step.run(c);
    boolean settles = step instanceof Step.Read r && r.path().endsWith("cgroup.stat")
        || step instanceof Step.ReadFd fd && fd.path(k) != null && fd.path(k).endsWith("cgroup.stat");
    long deadline = System.nanoTime() + SETTLE_MILLIS * 1_000_000L;
    while (!kernel.equals(mount) && settles && System.nanoTime() < deadline) {
      sleep();
      kernel = step.run(k);
      mount = step.run(c);
    }
    if (kernel.equals(mount)) {
      return new String[] {kernel, null};
    }
    return new String[] {kernel, mount};
  }

  private void freshBases() {
    String name = host.nextBaseName();
    try {
      host.newBase(name);
    } catch (IOException e) {
      throw new UncheckedIOException("setting up the kernel's base " + name, e);
    }
    cgdev.newBase(name);
  }

  /** Steps run so far (replays and shrinking included). */
  long steps() {
    return steps;
  }

  private static void sleep() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
