package io.cgdev.fleet;

import io.cgdev.fleet.internal.node.PodUsage;
import io.cgdev.fleet.internal.replay.PodPlacement;
import io.cgdev.fleet.trace.PodSpec;
import io.cgdev.fleet.trace.Qos;

/**
 * A policy's {@link PolicyResult.Summary}, summed pod by pod while {@link FleetReplay} walks the
 * placements. The sums are taken in the order the pods are added (the trace's), so the same input
 * gives the same figures to the last bit. One thread.
 */
final class SummaryTally {
  private static final double SECONDS_PER_HOUR = 3600;

  private int placed;
  private int neverPlaced;
  private int waited;
  private double pendingSeconds;
  private double receivedSeconds;
  private double demandedSeconds;
  private double entitledSeconds;
  private int lsPods;
  private int lsSloViolations;
  private long memoryRefusals;
  private int podsWithRefusals;
  private double breachSeconds;

  /** Adds one pod: its placement, and its usage on its node ({@code null} when it never ran on one). */
  void add(PodPlacement p, PodUsage u) {
    pendingSeconds += p.pendingSeconds();
    if (p.pendingSeconds() > 0) {
      waited++;
    }
    if (p.placement() == null) {
      neverPlaced++;
    } else {
      placed++;
    }
    if (u == null) {
      return;
    }
    receivedSeconds += u.received();
    demandedSeconds += u.demanded();
    entitledSeconds += u.entitled();
    memoryRefusals += u.refusals();
    podsWithRefusals += u.refusals() > 0 ? 1 : 0;
    breachSeconds += u.breachSeconds();
    PodSpec s = p.pod();
    if (s.qos() == Qos.LS && s.gpus() > 0 && u.demanded() > 0) {
      lsPods++;
      if (u.received() < FleetReplay.SLO_FRACTION * u.demanded()) {
        lsSloViolations++;
      }
    }
  }

  /** The summary of what was added, for a trace of {@code pods} pods; times in hours. */
  PolicyResult.Summary summary(int pods) {
    return new PolicyResult.Summary(pods, placed, neverPlaced, waited, pendingSeconds / SECONDS_PER_HOUR,
        receivedSeconds / SECONDS_PER_HOUR, demandedSeconds / SECONDS_PER_HOUR, entitledSeconds / SECONDS_PER_HOUR,
        lsPods, lsSloViolations, memoryRefusals, podsWithRefusals, breachSeconds / SECONDS_PER_HOUR);
  }
}
