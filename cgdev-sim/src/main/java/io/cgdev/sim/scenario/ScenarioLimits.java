package io.cgdev.sim.scenario;

/**
 * The bounds a scenario file must stay within, so that every file the parser accepts runs in
 * bounded time and memory (docs/SCENARIOS.md, "Limits"). A file beyond one is refused with {@code
 * FILE:LINE: field: reason} before anything boots.
 */
public final class ScenarioLimits {
  /** The largest file read: 16 MiB, room for 100,000 tenants with a few settings each. */
  public static final long MAX_FILE_BYTES = 16L << 20;
  /** Cgroups a scenario may declare, at every level together. */
  public static final int MAX_TENANTS = 100_000;
  /**
   * Workload streams (one task and one device client each; a workload with {@code load: L} runs
   * {@code ceil(L)} of them) in the whole scenario: every stream is stepped on every tick.
   */
  public static final int MAX_STREAMS = 10_000;
  /** The shortest {@code tick} and {@code batch}: below a microsecond nothing is modelled better, only slower. */
  public static final long MIN_STEP_NANOS = 1_000;
  /** The longest value of any field, in characters (interface files take far less). */
  public static final int MAX_VALUE_CHARS = 65_536;
  /** The longest {@code description}: one line for the report. */
  public static final int MAX_DESCRIPTION_CHARS = 1_000;
  /** Objects and lists nested in one another, at most (a tenant level takes two). */
  public static final int MAX_DEPTH = 256;
  /** Values that YAML aliases ({@code *name}) may add by repeating what their anchor holds. */
  public static final int MAX_ALIAS_VALUES = 1_000_000;

  private ScenarioLimits() {}
}
