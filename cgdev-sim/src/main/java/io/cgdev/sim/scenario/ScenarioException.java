package io.cgdev.sim.scenario;

/**
 * An invalid scenario file. The message has the form {@code scenario.yaml:12: tenants[1].memory.max:
 * invalid size '12X'}: the file, the line, the field path and what is wrong.
 */
public final class ScenarioException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final int line;
  private final String field;
  private final String reason;

  public ScenarioException(String source, int line, String field, String reason) {
    super(source + ":" + line + ": " + (field.isEmpty() ? "" : field + ": ") + reason);
    this.source = source;
    this.line = line;
    this.field = field;
    this.reason = reason;
  }

  /** The file name as given, e.g. {@code scenario.yaml}. */
  public String source() {
    return source;
  }

  /** The 1-based line of the offending value. */
  public int line() {
    return line;
  }

  /** The field path, e.g. {@code tenants[1].memory.max}; empty for file-level errors. */
  public String field() {
    return field;
  }

  /** What is wrong, without the location. */
  public String reason() {
    return reason;
  }
}
