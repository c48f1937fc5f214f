package io.cgdev.fleet;

import java.util.List;

/**
 * A fleet replay's result: the trace, the options and one {@link PolicyResult} per policy, in the
 * order asked. Everything in it depends only on the trace and the options, never on threads or the
 * wall clock (so its JSON is byte-identical between runs); {@link #wallNanos} is kept apart.
 *
 * @param trace where the trace came from
 * @param nodes nodes in the trace
 * @param gpus GPUs in the trace
 * @param horizonSeconds the last deletion time
 * @param options the options
 * @param policies per policy
 * @param wallNanos how long the replay took (not part of the report's JSON)
 */
public record FleetResult(String trace, int nodes, int gpus, long horizonSeconds, FleetOptions options,
    List<PolicyResult> policies, long wallNanos) {
  public FleetResult {
    policies = List.copyOf(policies);
  }
}
