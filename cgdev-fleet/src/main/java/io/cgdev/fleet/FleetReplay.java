package io.cgdev.fleet;

import io.cgdev.fleet.internal.node.NodeSim;
import io.cgdev.fleet.internal.node.PodRun;
import io.cgdev.fleet.internal.node.PodUsage;
import io.cgdev.fleet.internal.replay.AllocationStats;
import io.cgdev.fleet.internal.replay.InflationReplay;
import io.cgdev.fleet.internal.replay.PlacementReplay;
import io.cgdev.fleet.internal.replay.PodPlacement;
import io.cgdev.fleet.placement.PlacementPolicy;
import io.cgdev.fleet.trace.NodeSpec;
import io.cgdev.fleet.trace.PodSpec;
import io.cgdev.fleet.trace.Trace;
import io.cgdev.sim.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Replays a trace on a fleet under several placement policies. For each policy, first the placement
 * replay (requests only, one thread per policy: where and when every pod runs, the allocation
 * figures), then every node that received a pod is simulated on its own ({@link NodeSim}: its own
 * booted hierarchy, enforcement through the file view, the event-driven engine), in parallel on
 * {@link FleetOptions#threads} workers. Results are collected in node and pod order, so they do not
 * depend on the threads.
 *
 * <p>Call {@link #run} from one thread; progress is reported from that thread.
 */
public final class FleetReplay {
  /** An LS pod meets its objective when it receives at least this fraction of the device time it demanded. */
  public static final double SLO_FRACTION = 0.95;
  /** The inflation experiment's points: every 5% of arrived workload, as the FGD paper plots. */
  static final int INFLATION_STEPS = 20;

  private final Trace trace;
  private final FleetOptions options;
  private final Progress progress;

  public FleetReplay(Trace trace, FleetOptions options, Progress progress) {
    this.trace = trace;
    this.options = options;
    this.progress = progress;
  }

  /**
   * Runs every policy.
   *
   * @throws IllegalArgumentException for an unknown policy (before anything runs)
   * @throws IllegalStateException if a policy places a pod where it does not fit, or a node's
   *     simulation fails (the message names the node)
   */
  public FleetResult run() {
    long wall = System.nanoTime();
    List<PlacementPolicy> policies = options.policies().stream().map(Policies::create).toList();
    ExecutorService pool = Executors.newFixedThreadPool(options.threads(), r -> {
      Thread t = new Thread(r, "fleet-worker");
      t.setDaemon(true);
      return t;
    });
    try {
      // placements: one task per policy
      List<Future<PlacementReplay.Result>> placements = new ArrayList<>();
      List<Future<InflationReplay.Result>> inflations = new ArrayList<>();
      for (PlacementPolicy p : policies) {
        placements.add(pool.submit(() -> new PlacementReplay(trace, p, options.samples()).run()));
      }
      for (String name : options.policies()) {
        // a policy instance of its own: policies may keep state between calls
        PlacementPolicy p = Policies.create(name);
        inflations.add(pool.submit(() -> new InflationReplay(trace, p, options.seed(), INFLATION_STEPS).run()));
      }
      List<PlacementReplay.Result> placed = new ArrayList<>();
      for (int i = 0; i < policies.size(); i++) {
        progress.update(0.1 * i / policies.size(), "placing pods: " + policies.get(i).name());
        placed.add(get(placements.get(i), "placement with " + policies.get(i).name()));
      }
      // node simulations: one task per (policy, node with pods)
      ExecutorCompletionService<NodeOutcome> done = new ExecutorCompletionService<>(pool);
      List<List<NodeOutcome>> outcomes = new ArrayList<>();
      int tasks = 0;
      for (int i = 0; i < policies.size(); i++) {
        List<List<PodRun>> byNode = runsByNode(placed.get(i).pods());
        List<NodeOutcome> slots = new ArrayList<>();
        for (int n = 0; n < byNode.size(); n++) {
          slots.add(null);
          if (!byNode.get(n).isEmpty()) {
            int policy = i;
            NodeSpec node = trace.nodes().get(n);
            List<PodRun> runs = byNode.get(n);
            done.submit(() -> simulate(policy, node, runs));
            tasks++;
          }
        }
        outcomes.add(slots);
      }
      for (int k = 0; k < tasks; k++) {
        NodeOutcome o = get(done.take(), "node simulation");
        outcomes.get(o.policy).set(o.node, o);
        progress.update(0.1 + 0.9 * (k + 1) / tasks, (k + 1) + " of " + tasks + " node simulations");
      }
      List<PolicyResult> results = new ArrayList<>();
      for (int i = 0; i < policies.size(); i++) {
        InflationReplay.Result f = get(inflations.get(i), "inflation with " + policies.get(i).name());
        PolicyResult.Inflation inflation = new PolicyResult.Inflation(f.arrived(), f.allocated(), f.stranded(),
            f.expectedFragmentation(), f.failed(), f.arrivals());
        results.add(result(policies.get(i), placed.get(i), inflation, outcomes.get(i)));
      }
      progress.finish();
      return new FleetResult(trace.source(), trace.nodes().size(), trace.gpuCount(), trace.horizon(), options, results,
          System.nanoTime() - wall);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static <T> T get(Future<T> f, String what) throws InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(what + " failed: " + c, c);
    }
  }

  private record NodeOutcome(int policy, int node, List<PodUsage> usage, long events) {}

  private NodeOutcome simulate(int policy, NodeSpec node, List<PodRun> runs) {
    NodeSim sim = new NodeSim(node, runs, options.mode() == SharingMode.MAX, options.seed());
    try {
      return new NodeOutcome(policy, node.index(), sim.run(), sim.events());
    } catch (RuntimeException e) {
      throw new IllegalStateException("node " + node.name() + " (" + options.policies().get(policy) + "): " + e.getMessage(), e);
    }
  }

  private List<List<PodRun>> runsByNode(List<PodPlacement> pods) {
    List<List<PodRun>> byNode = new ArrayList<>();
    for (int n = 0; n < trace.nodes().size(); n++) {
      byNode.add(new ArrayList<>());
    }
    for (PodPlacement p : pods) {
      if (p.placement() != null) {
        byNode.get(p.placement().node()).add(new PodRun(p.pod(), p.placement().gpus(), p.start(), p.pod().deletion()));
      }
    }
    return byNode;
  }

  private PolicyResult result(PlacementPolicy policy, PlacementReplay.Result placed, PolicyResult.Inflation inflation,
      List<NodeOutcome> nodes) {
    PodUsage[] usage = new PodUsage[trace.pods().size()];
    long events = 0;
    int booted = 0;
    for (NodeOutcome o : nodes) {
      if (o != null) {
        booted++;
        events += o.events;
        for (PodUsage u : o.usage) {
          usage[u.pod()] = u;
        }
      }
    }
    List<PolicyResult.Pod> pods = new ArrayList<>();
    SummaryTally tally = new SummaryTally();
    for (PodPlacement p : placed.pods()) {
      PodSpec s = p.pod();
      PodUsage u = usage[s.index()];
      tally.add(p, u);
      List<Integer> gpus = new ArrayList<>();
      if (p.placement() != null) {
        for (int g : p.placement().gpus()) {
          gpus.add(g);
        }
      }
      pods.add(new PolicyResult.Pod(s.name(), s.qos().name(), s.gpus(), s.gpuMilli(),
          p.placement() == null ? null : trace.nodes().get(p.placement().node()).name(), gpus, p.pendingSeconds(),
          u == null ? 0 : u.received(), u == null ? 0 : u.demanded(), u == null ? 0 : u.entitled(),
          u == null ? 0 : u.refusals()));
    }
    AllocationStats a = placed.stats();
    PolicyResult.Allocation allocation = new PolicyResult.Allocation(a.allocationRate(), a.peakAllocationRate(),
        a.fragmentation(), a.expectedFragmentation(), a.sampleSeconds(), a.allocated(), a.stranded(), a.pending());
    return new PolicyResult(policy.name(), policy.description(), allocation, inflation, tally.summary(trace.pods().size()),
        pods, booted, events);
  }
}
