package io.cgdev.fleet.internal.replay;

import io.cgdev.fleet.placement.Placement;
import io.cgdev.fleet.trace.PodSpec;

/**
 * Where and when a pod ran in a placement replay.
 *
 * @param pod the pod
 * @param placement where it ran; null if it never found room before its deletion
 * @param start when it was placed (seconds); its deletion time if it never was
 */
public record PodPlacement(PodSpec pod, Placement placement, long start) {
  /** Seconds it waited, pending, before it was placed or deleted. */
  public long pendingSeconds() {
    return start - pod.creation();
  }
}
