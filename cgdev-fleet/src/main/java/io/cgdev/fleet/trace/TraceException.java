package io.cgdev.fleet.trace;

/** A trace file that cannot be read as the trace's schema says: the message names the file, the line, the column and why. */
public final class TraceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** {@code FILE:LINE: column: reason}. */
  public TraceException(String file, int line, String column, String reason) {
    super(file + ":" + line + ": " + column + ": " + reason);
  }

  /** A whole-file problem, e.g. a missing file or header. */
  public TraceException(String message, Throwable cause) {
    super(message, cause);
  }
}
