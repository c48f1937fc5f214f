package io.cgdev.samples;

/** The exit codes of {@code cgdev}, which scripts may rely on (docs/CLI.md). */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;
  /** A command failed: a shell script had a failing command, a scenario could not run. */
  public static final int FAILED = 1;
  /** Bad command line (picocli's usage error code). */
  public static final int USAGE = 2;
  /** The scenario file is invalid; the message names file, line and field. */
  public static final int BAD_SCENARIO = 3;
  /** The hierarchy could not boot (no controllers, a broken plugin folder). */
  public static final int BOOT = 4;
  /** A bug. */
  public static final int INTERNAL = 70;

  private ExitCodes() {}
}
