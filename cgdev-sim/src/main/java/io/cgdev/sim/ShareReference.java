package io.cgdev.sim;

import io.cgdev.api.Bandwidth;
import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.IdList;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.drm.DrmDevice;
import io.cgdev.sim.fluid.Bound;
import io.cgdev.sim.fluid.FluidAllocation;
import io.cgdev.sim.fluid.FluidSolver;
import io.cgdev.sim.fluid.FluidTree;
import io.cgdev.sim.scenario.Scenario.Tenant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's reference for device time: what each tenant would get on the scenario's device under
 * the fluid model ({@link io.cgdev.sim.fluid}), integrated over the run. The run is cut into
 * intervals at every change — a workload starts or stops, and whatever the runner reports with
 * {@link #changed} (a value written, a tenant frozen) — and in each interval the tenants' settings are
 * read from the file view as they are then ({@code cpu.weight}, {@code cpu.max}, {@code
 * cpuset.cpus.effective}, {@code cgroup.freeze}) and the clients' demands from the workloads, and the
 * fluid model says every tenant's rate. {@link #usage} is the resulting device time, to be compared with
 * {@code cpu.stat usage_usec}.
 *
 * <p>Without a cpu controller on the device there is nothing to compare with: {@link #enabled} is
 * false and every usage is 0. Simulating thread only.
 */
final class ShareReference {
  private final CgroupFs fs;
  private final TenantFiles files;
  private final List<Tenant> tenants;
  private final Map<Tenant, Integer> index = new IdentityHashMap<>();
  private final boolean enabled;
  private final FluidTree tree;
  /** Per tenant, its group in the fluid tree; -1 for a tenant without a client below. */
  private final int[] node;
  private final int[] tenantOfNode;
  /** Per tenant, its parent tenant's index (-1 for a top-level one). */
  private final int[] parent;
  /** Per tenant, whether a stream on the device runs in its subtree: only those are read at a change. */
  private final boolean[] active;
  private final List<DrmStream> streams;
  private final int[] leaf;
  private final BitSet[] classEngines;
  private final FluidSolver solver = new FluidSolver();
  private final FluidAllocation allocation = new FluidAllocation();
  private final long[] changes;
  private int nextChange;
  private long since;
  private final double[] rate;
  private final double[] used;
  /** Per tenant, nanoseconds in which it wanted device time, by what bounded it (its leaves' bounds). */
  private final long[][] boundNanos;
  private final String[] capHolder;
  private boolean started;

  /**
   * @param tenants every tenant, parents first
   * @param device the device the report is about (null: none, then the reference is disabled)
   * @param cpu whether the cpu controller governs the device (else it is disabled)
   */
  ShareReference(CgroupFs fs, TenantFiles files, List<Tenant> tenants, DrmDevice device, Workloads workloads, boolean cpu) {
    this.fs = fs;
    this.files = files;
    this.tenants = List.copyOf(tenants);
    for (int i = 0; i < this.tenants.size(); i++) {
      index.put(this.tenants.get(i), i);
    }
    this.streams = device == null ? List.of() : workloads.streamsOn(device);
    this.enabled = device != null && cpu;
    int n = this.tenants.size();
    this.rate = new double[n];
    this.used = new double[n];
    this.boundNanos = new long[n][Bound.values().length];
    this.capHolder = new String[n];
    this.node = new int[n];
    this.parent = new int[n];
    java.util.Arrays.fill(parent, -1);
    for (int i = 0; i < n; i++) {
      for (Tenant c : this.tenants.get(i).children()) {
        parent[index.get(c)] = i;
      }
    }
    this.active = new boolean[n];
    for (DrmStream st : streams) {
      for (int i = index.get(st.tenant); i >= 0 && !active[i]; i = parent[i]) {
        active[i] = true;
      }
    }
    this.leaf = new int[streams.size()];
    this.changes = enabled ? workloads.startsAndStops() : new long[0];
    if (!enabled) {
      this.tree = null;
      this.classEngines = new BitSet[0];
      this.tenantOfNode = new int[0];
      return;
    }
    List<EngineSpec> engines = device.engines();
    this.tree = new FluidTree(engines.size());
    Map<String, BitSet> byClass = new LinkedHashMap<>();
    for (int e = 0; e < engines.size(); e++) {
      byClass.computeIfAbsent(engines.get(e).engineClass(), c -> new BitSet()).set(e);
    }
    // tenants without a client below hold no node: they take no time and change nobody's share
    java.util.Arrays.fill(node, -1);
    tenantOfNode = new int[n + 1];
    for (int i = 0; i < n; i++) {
      if (active[i]) {
        node[i] = tree.group(parent[i] < 0 ? FluidTree.ROOT : node[parent[i]], 100);
        tenantOfNode[node[i]] = i;
      }
    }
    this.classEngines = new BitSet[streams.size()];
    for (int s = 0; s < streams.size(); s++) {
      DrmStream st = streams.get(s);
      classEngines[s] = byClass.getOrDefault(st.engineClass(), new BitSet());
      // the cpu controller weighs every client as cpu.weight 100
      leaf[s] = tree.leaf(node[index.get(st.tenant)], 100, 0, classEngines[s]);
    }
  }


  /**
   * The longest {@code cpu.max} period among the tenants with a cap and a client below, nanoseconds; 0
   * when none is capped (or there is no reference). Over a shorter time a capped tenant's share swings
   * with its bursts, so the samples are at least this far apart.
   */
  long longestCapPeriodNanos() {
    long longest = 0;
    for (int i = 0; i < tenants.size() && enabled; i++) {
      if (active[i]) {
        try {
          Bandwidth b = Bandwidth.parse(files.read(tenants.get(i).path(), "cpu", "max"), Bandwidth.DEFAULT);
          if (!b.unlimited()) {
            longest = Math.max(longest, b.periodUsec() * 1000);
          }
        } catch (CgroupException e) {
          // no cpu.max here: not capped
        }
      }
    }
    return longest;
  }

  /** Whether there is a reference (a cpu controller on a DRM device). */
  boolean enabled() {
    return enabled;
  }

  /**
   * Before the step that starts at {@code now}: if a workload starts or stops by then, the interval
   * ends here and the next one begins with the state as it is now. Cheap when nothing is due.
   */
  void at(long now) {
    if (!enabled) {
      return;
    }
    if (!started || nextChange < changes.length && changes[nextChange] <= now) {
      while (nextChange < changes.length && changes[nextChange] <= now) {
        nextChange++;
      }
      changed(now);
    }
  }

  /**
   * Something that the fluid model depends on changed at scenario time {@code now} (a weight, cap or
   * mask written, a tenant frozen or thawed, a workload stopped early): closes the interval and reads
   * the state again. Call it after the change took effect.
   */
  void changed(long now) {
    if (!enabled) {
      return;
    }
    close(now);
    started = true;
    for (int i = 0; i < tenants.size(); i++) {
      if (!active[i]) {
        continue; // no client below: its settings change nobody's share
      }
      String p = tenants.get(i).path();
      int g = node[i];
      tree.weight(g, files.readLong(p, "cpu", "weight", 100));
      tree.cap(g, cap(p));
      tree.mask(g, mask(p));
    }
    boolean[] frozen = frozenTenants();
    for (int s = 0; s < streams.size(); s++) {
      DrmStream st = streams.get(s);
      tree.demand(leaf[s], frozen[index.get(st.tenant)] ? 0 : Math.min(1, st.demandAt(now)));
    }
    solver.solveInto(tree, allocation);
    for (int i = 0; i < tenants.size(); i++) {
      rate[i] = node[i] < 0 ? 0 : allocation.rate(node[i]);
    }
  }

  /** Ends the last interval at the end of the run. */
  void finish(long end) {
    close(end);
  }

  private void close(long now) {
    long length = now - since;
    if (started && length > 0) {
      for (int i = 0; i < tenants.size(); i++) {
        used[i] += rate[i] * length;
      }
      countBounds(length);
    }
    since = now;
  }

  /** Adds the interval's length to what bounded each leaf tenant that wanted time in it. */
  private void countBounds(long length) {
    int[] worst = new int[tenants.size()];
    java.util.Arrays.fill(worst, -1);
    for (int s = 0; s < streams.size(); s++) {
      int l = leaf[s];
      if (tree.demand(l) <= 0) {
        continue;
      }
      int i = index.get(streams.get(s).tenant);
      Bound b = allocation.bound(l);
      // a tenant wanting more on some engine is bounded by its weight; else by a cap; else by its demand
      int rank = switch (b) {
        case SHARE -> 3;
        case CAP -> 2;
        case NO_ENGINE -> 1;
        case DEMAND -> 0;
      };
      if (rank > worst[i]) {
        worst[i] = rank;
        if (b == Bound.CAP) {
          capHolder[i] = pathOf(allocation.boundNode(l));
        }
      }
    }
    Bound[] byRank = {Bound.DEMAND, Bound.NO_ENGINE, Bound.CAP, Bound.SHARE};
    for (int i = 0; i < worst.length; i++) {
      if (worst[i] >= 0) {
        boundNanos[i][byRank[worst[i]].ordinal()] += length;
      }
    }
  }

  /** The cgroup a group node of the fluid tree stands for. */
  private String pathOf(int fluidNode) {
    return fluidNode == FluidTree.ROOT ? "/" : tenants.get(tenantOfNode[fluidNode]).path();
  }

  /** The reference device time of tenant {@code t} from the start until {@code now} (within the current interval), nanoseconds. */
  double usage(Tenant t, long now) {
    int i = index.get(t);
    return used[i] + (started && now > since ? rate[i] * (now - since) : 0);
  }

  /**
   * What held tenant {@code t} to its reference share over the run, for a reader: {@code weight} (it
   * got its weighted part of busy engines), {@code demand} (it got all it asked for), {@code cpu.max of
   * PATH}, {@code no engine} (its mask and class leave none), each with the part of the time it wanted
   * device time that it applied, when more than one did ({@code weight 67%, demand 33%}); empty if it
   * never wanted device time.
   */
  String limitedBy(Tenant t) {
    int i = index.get(t);
    long total = 0;
    for (long v : boundNanos[i]) {
      total += v;
    }
    if (total == 0) {
      return "";
    }
    List<Integer> order = new ArrayList<>();
    for (int b = 0; b < Bound.values().length; b++) {
      if (boundNanos[i][b] > 0) {
        order.add(b);
      }
    }
    order.sort((a, b) -> Long.compare(boundNanos[i][b], boundNanos[i][a]));
    List<String> parts = new ArrayList<>();
    for (int b : order) {
      String what = switch (Bound.values()[b]) {
        case SHARE -> "weight";
        case DEMAND -> "demand";
        case CAP -> "cpu.max of " + capHolder[i];
        case NO_ENGINE -> "no engine";
      };
      parts.add(order.size() == 1 ? what : what + String.format(Locale.ROOT, " %.0f%%", 100.0 * boundNanos[i][b] / total));
    }
    return String.join(", ", parts);
  }

  /** {@code cpu.max} as engines' worth: quota / period; infinity for {@code max} or no file. */
  private double cap(String path) {
    try {
      Bandwidth b = Bandwidth.parse(files.read(path, "cpu", "max"), Bandwidth.DEFAULT);
      return b.unlimited() ? Double.POSITIVE_INFINITY : b.quotaUsec() / (double) b.periodUsec();
    } catch (CgroupException e) {
      return Double.POSITIVE_INFINITY;
    }
  }

  /** {@code cpuset.cpus.effective}, or null without a cpuset controller on the device. */
  private BitSet mask(String path) {
    try {
      BitSet m = IdList.parse(files.read(path, "cpuset", "cpus.effective"));
      int engines = tree.engines();
      if (m.length() > engines) {
        m.clear(engines, m.length());
      }
      return m;
    } catch (CgroupException e) {
      return null;
    }
  }

  /** Tenants frozen by their own or an ancestor's {@code cgroup.freeze} (parents come first). */
  private boolean[] frozenTenants() {
    boolean[] frozen = new boolean[tenants.size()];
    for (int i = 0; i < tenants.size(); i++) {
      frozen[i] = active[i] && (parent[i] >= 0 && frozen[parent[i]] || ownFreeze(tenants.get(i).path()));
    }
    return frozen;
  }

  private boolean ownFreeze(String path) {
    try {
      return fs.read(path + "/cgroup.freeze").strip().equals("1");
    } catch (CgroupException e) {
      return false; // no freezer in this hierarchy
    }
  }
}
