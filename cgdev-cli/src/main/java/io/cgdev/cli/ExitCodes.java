package io.cgdev.cli;

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
  /**
   * {@code cgdev mount} could not mount: FUSE missing ({@code /dev/fuse}, libfuse3,
   * {@code fusermount3}), the folder missing, not empty or already mounted.
   */
  public static final int MOUNT = 5;
  /**
   * {@code cgdev mount}: the folder is a stale mount left by a daemon that died; the message names
   * the command that clears it ({@code fusermount3 -u DIR}).
   */
  public static final int STALE_MOUNT = 6;
  /**
   * A state file ({@code --state}) or a snapshot ({@code restore}) cannot be used: corrupt, of
   * another version or world, or refused on replay; the message names file and line.
   */
  public static final int STATE = 7;
  /** A bug. */
  public static final int INTERNAL = 70;

  private ExitCodes() {}
}
