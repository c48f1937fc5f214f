package io.cgdev.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every {@code cgdev} subcommand has: its picocli model, and the output and error streams the
 * command line was given ({@link Main#run}: the terminal, or a test's writers). picocli injects
 * {@link #spec} before {@link #call} runs.
 */
abstract class CgdevCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** The command line's standard output. */
  final PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** The command line's error output. */
  final PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
