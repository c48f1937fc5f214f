package io.cgdev.state;

import java.nio.file.Path;

/**
 * A state file that cannot be used: missing the header, from another version, corrupt (anywhere but
 * a torn last record, which is recovered from), made for another world, or one whose records this
 * world refuses on replay. The message starts with {@code FILE:LINE:} and says what to do; nothing
 * was served from it.
 */
public final class StateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int line;

  StateException(Path file, int line, String reason) {
    this(file, line, reason, null);
  }

  StateException(Path file, int line, String reason, Throwable cause) {
    super(file + (line > 0 ? ":" + line : "") + ": " + reason, cause);
    this.file = file;
    this.line = line;
  }

  /** The state file. */
  public Path file() {
    return file;
  }

  /** The line the problem is on, from 1; 0 when it concerns the file as a whole. */
  public int line() {
    return line;
  }
}
