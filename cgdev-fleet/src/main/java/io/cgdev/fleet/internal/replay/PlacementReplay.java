package io.cgdev.fleet.internal.replay;

import io.cgdev.fleet.placement.Placement;
import io.cgdev.fleet.placement.PlacementPolicy;
import io.cgdev.fleet.placement.WorkloadProfile;
import io.cgdev.fleet.trace.PodSpec;
import io.cgdev.fleet.trace.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Replays a trace's arrivals and deletions against one placement policy, in the order of simulated
 * time: a pod is placed when it is created if the policy finds room, else it waits (pending) until a
 * deletion frees room on a node where it fits (pending pods are retried in the order they arrived) or
 * until its own deletion time, as in the trace. A placed pod runs until its deletion time. At equal
 * times deletions come first, then arrivals, each in pod order. Placement looks at requests only (the
 * pods' usage never changes where they go), so the per-node simulations can run afterwards, in
 * parallel. One thread.
 *
 * @param samples how many points the charts get over the horizon
 */
public record PlacementReplay(Trace trace, PlacementPolicy policy, int samples) {

  /** The result: every pod's placement (by pod number) and the allocation figures. */
  public record Result(List<PodPlacement> pods, AllocationStats stats) {}

  /**
   * Runs the replay.
   *
   * @throws IllegalStateException if the policy returns a placement that does not fit
   */
  public Result run() {
    List<PodSpec> pods = trace.pods();
    ClusterState cluster = new ClusterState(trace.nodes(), WorkloadProfile.of(pods));
    // events: 2 per pod, as (time, kind, pod) sorted; kind 0 deletion, 1 arrival
    long[][] events = new long[pods.size() * 2][];
    for (PodSpec p : pods) {
      events[2 * p.index()] = new long[] {p.creation(), 1, p.index()};
      events[2 * p.index() + 1] = new long[] {p.deletion(), 0, p.index()};
    }
    Arrays.sort(events, Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]).thenComparingLong(e -> e[2]));
    Placement[] placed = new Placement[pods.size()];
    long[] start = new long[pods.size()];
    boolean[] gone = new boolean[pods.size()];
    LinkedHashSet<Integer> pending = new LinkedHashSet<>();
    long first = events.length == 0 ? 0 : events[0][0];
    long horizon = trace.horizon();
    long span = Math.max(1, horizon - first);
    double allocIntegral = 0;
    double strandIntegral = 0;
    double peak = 0;
    long last = first;
    double total = Math.max(1, cluster.totalMilli());
    Samples sampled = new Samples(first, span, total);
    for (long[] e : events) {
      long t = e[0];
      sampled.before(t, cluster, pending.size());
      allocIntegral += cluster.allocatedMilli() * (double) (t - last);
      strandIntegral += cluster.strandedMilli() * (double) (t - last);
      last = t;
      int i = (int) e[2];
      PodSpec pod = pods.get(i);
      if (e[1] == 0) {
        gone[i] = true;
        if (placed[i] != null) {
          cluster.release(pod, placed[i]);
          retry(cluster, pods, pending, placed, start, placed[i].node(), t);
        } else if (pending.remove(i)) {
          start[i] = t;
        } else {
          start[i] = t; // deleted at its creation time: it never waited
        }
      } else if (!gone[i]) {
        if (!tryPlace(cluster, pod, placed, start, t)) {
          pending.add(i);
        }
      }
      peak = Math.max(peak, cluster.allocatedMilli() / total);
    }
    sampled.before(Long.MAX_VALUE, cluster, pending.size());
    List<PodPlacement> out = new ArrayList<>(pods.size());
    for (PodSpec p : pods) {
      out.add(new PodPlacement(p, placed[p.index()], start[p.index()]));
    }
    AllocationStats stats = new AllocationStats(cluster.totalMilli(), allocIntegral / span / total, peak,
        strandIntegral / span / total, samples == 0 ? 0 : sampled.expectedSum / samples, sampled.at, sampled.allocated, sampled.stranded,
        sampled.waiting);
    return new Result(out, stats);
  }

  /** The charts' points, {@link #samples} evenly spaced from the first event to the horizon, and their figures. */
  private final class Samples {
    final List<Long> at = new ArrayList<>();
    final List<Double> allocated = new ArrayList<>();
    final List<Double> stranded = new ArrayList<>();
    final List<Integer> waiting = new ArrayList<>();
    double expectedSum;
    private final long first;
    private final long span;
    private final double total;

    Samples(long first, long span, double total) {
      this.first = first;
      this.span = span;
      this.total = total;
    }

    /** Takes the points not yet taken that come before {@code t}, from the cluster as it is now. */
    void before(long t, ClusterState cluster, int pendingPods) {
      while (at.size() < samples && point(at.size()) < t) {
        at.add(point(at.size()));
        allocated.add(cluster.allocatedMilli() / total);
        stranded.add(cluster.strandedMilli() / total);
        waiting.add(pendingPods);
        expectedSum += cluster.expectedFragmentation() / total;
      }
    }

    private long point(int k) {
      return first + span * k / Math.max(1, samples - 1);
    }
  }

  /** Pending pods that fit on {@code node} now, in arrival order, are offered to the policy again. */
  private void retry(ClusterState cluster, List<PodSpec> pods, LinkedHashSet<Integer> pending, Placement[] placed,
      long[] start, int node, long t) {
    if (pending.isEmpty()) {
      return;
    }
    var it = pending.iterator();
    while (it.hasNext()) {
      int i = it.next();
      PodSpec pod = pods.get(i);
      // nothing else changed since it last failed: only the freed node can take it now
      if (cluster.node(node).fits(pod) && tryPlace(cluster, pod, placed, start, t)) {
        it.remove();
      }
    }
  }

  private boolean tryPlace(ClusterState cluster, PodSpec pod, Placement[] placed, long[] start, long t) {
    Optional<Placement> p = policy.place(pod, cluster);
    if (p.isEmpty()) {
      return false;
    }
    Placement pl = p.get();
    if (pl.node() < 0 || pl.node() >= cluster.nodeCount() || !cluster.node(pl.node()).fits(pod, pl.gpus())) {
      throw new IllegalStateException("policy " + policy.name() + " placed " + pod.name() + " on " + pl
          + " where it does not fit");
    }
    cluster.allocate(pod, pl);
    placed[pod.index()] = pl;
    start[pod.index()] = t;
    return true;
  }
}
