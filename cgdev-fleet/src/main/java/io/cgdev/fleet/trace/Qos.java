package io.cgdev.fleet.trace;

/**
 * A pod's quality of service as the trace gives it. Enforcement maps it to memory protection
 * (docs/FLEET.md): {@link #GUARANTEED} gets {@code memory.min}, {@link #LS} {@code memory.low}, the
 * others none; only LS pods have a service-level objective.
 */
public enum Qos {
  /** Latency-sensitive. */
  LS,
  /** Best effort. */
  BE,
  /** Kubernetes Burstable. */
  BURSTABLE,
  /** Kubernetes Guaranteed. */
  GUARANTEED;

  /** The value of the trace's {@code qos} column; empty for an unknown one. */
  static java.util.Optional<Qos> parse(String s) {
    return switch (s) {
      case "LS" -> java.util.Optional.of(LS);
      case "BE" -> java.util.Optional.of(BE);
      case "Burstable" -> java.util.Optional.of(BURSTABLE);
      case "Guaranteed" -> java.util.Optional.of(GUARANTEED);
      default -> java.util.Optional.empty();
    };
  }
}
