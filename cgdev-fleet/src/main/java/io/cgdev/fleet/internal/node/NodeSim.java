package io.cgdev.fleet.internal.node;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import io.cgdev.api.spi.Controller;
import io.cgdev.core.Cgroups;
import io.cgdev.drm.DrmFile;
import io.cgdev.fleet.trace.NodeSpec;
import io.cgdev.fleet.trace.PodSpec;
import io.cgdev.fleet.trace.Qos;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.ServiceLoader;

/**
 * The event-driven simulation of one node: its own hierarchy, booted through the core with the memory
 * and cpu controllers found by {@link ServiceLoader} and a {@link GpuDriver} for its GPUs, and the pods
 * placed on it as cgroups. Events are arrivals, departures and demand phase changes ({@link
 * DemandModel}); between two events every GPU's device time is shared by the fluid model ({@link
 * ShareModel}: cgdev-sim's fluid solver, {@link FluidShare}) and integrated exactly, so a trace of months needs no ticks.
 *
 * <p>Enforcement goes through the file view only: at arrival a pod's cgroup gets, on each of its GPUs,
 * {@code cpu.weight} = its share in thousandths and, if the run asks for caps, {@code cpu.max} = its
 * share of the period, {@code memory.max} = its memory share, and {@code memory.min} (Guaranteed) or {@code
 * memory.low} (LS) = its memory share; the share model reads the values back from the files, so it
 * follows what the controllers accepted. Device memory is allocated as GEM objects of the pod's DRM
 * clients and charged by the memory controller, which refuses what exceeds {@code memory.max}.
 *
 * <p>One instance per node, run on one thread; nodes are independent, so the replay runs them in
 * parallel. The result depends only on the inputs and the seed.
 */
public final class NodeSim {
  private static final int DEPART = 0;
  private static final int ARRIVE = 1;
  private static final int PHASE = 2;
  private static final long PERIOD_USEC = 100_000;
  /** A pod's memory is allocated in this many chunks at its share (so a burst needs more than memory.max). */
  private static final int CHUNKS_PER_SHARE = 8;

  private final NodeSpec node;
  private final List<PodRun> runs;
  /** Whether shares are also hard caps ({@code cpu.max}), not only weights ({@code cpu.weight}). */
  private final boolean caps;
  private final ShareModel model;
  private final PodDemand.Source demands;
  private long events;

  /**
   * @param runs the pods placed on the node, in any order
   * @param caps whether a pod's share also becomes {@code cpu.max} (a hard cap), besides {@code cpu.weight}
   * @param model the share model (one per simulation: it keeps scratch space)
   * @param demands every pod's demand
   */
  NodeSim(NodeSpec node, List<PodRun> runs, boolean caps, ShareModel model, PodDemand.Source demands) {
    this.node = node;
    this.runs = List.copyOf(runs);
    this.caps = caps;
    this.model = model;
    this.demands = demands;
  }

  /** A simulation with the fluid solver's share model ({@link FluidShare}) and the seeded {@link DemandModel}. */
  public NodeSim(NodeSpec node, List<PodRun> runs, boolean caps, long seed) {
    this(node, runs, caps, new FluidShare(), (run, share) -> new DemandModel(seed, run.pod().index(), share));
  }

  /** Events processed by {@link #run} (arrivals, departures, phase changes). */
  public long events() {
    return events;
  }

  /**
   * Boots the node, replays its pods and returns their usage, in the order of {@code runs}.
   *
   * @throws CgroupException if the hierarchy refuses a setting the mapping writes (a bug: the
   *     message names the pod, the file and the value)
   */
  public List<PodUsage> run() {
    GpuDriver driver = new GpuDriver(node.model(), node.gpus());
    Cgroups.Builder b = Cgroups.builder().discover(false).driver(driver);
    List<String> found = new ArrayList<>();
    for (Controller<?> c : ServiceLoader.load(Controller.class)) {
      if (c.name().equals("memory") || c.name().equals("cpu")) {
        b.controller(c);
        found.add(c.name());
      }
    }
    if (found.size() != 2) {
      throw new IllegalStateException("a node needs the memory and cpu controllers on the module path; found only "
          + found + " (add controller-memory and controller-cpu)");
    }
    try (Cgroups cg = b.build()) {
      return replay(cg, driver);
    }
  }

  private List<PodUsage> replay(Cgroups cg, GpuDriver driver) {
    CgroupFs fs = cg.fs();
    fs.write("/cgroup.subtree_control", "+memory +cpu");
    Gpu[] gpus = new Gpu[node.gpus()];
    for (int g = 0; g < gpus.length; g++) {
      gpus[g] = new Gpu();
    }
    Pod[] pods = new Pod[runs.size()];
    PriorityQueue<Event> queue = new PriorityQueue<>();
    long seq = 0;
    for (int i = 0; i < pods.length; i++) {
      PodRun r = runs.get(i);
      pods[i] = new Pod(r, demands);
      if (r.end() > r.start()) {
        queue.add(new Event(r.start(), ARRIVE, i, seq++));
        queue.add(new Event(r.end(), DEPART, i, seq++));
      }
    }
    while (!queue.isEmpty()) {
      Event e = queue.poll();
      events++;
      Pod p = pods[e.pod];
      switch (e.kind) {
        case ARRIVE -> {
          arrive(cg, fs, driver, p);
          for (int k = 0; k < p.run.gpuCount(); k++) {
            Gpu gpu = gpus[p.run.gpu(k)];
            gpu.integrate(e.time);
            gpu.add(p, k);
          }
          double next = e.time + phase(p);
          if (next < p.run.end() && p.run.gpuCount() > 0) {
            queue.add(new Event(next, PHASE, e.pod, seq++));
          }
          solve(gpus, p);
        }
        case PHASE -> {
          for (int k = 0; k < p.run.gpuCount(); k++) {
            gpus[p.run.gpu(k)].integrate(e.time);
          }
          double next = e.time + phase(p);
          if (next < p.run.end()) {
            queue.add(new Event(next, PHASE, e.pod, seq++));
          }
          solve(gpus, p);
        }
        default -> {
          for (int k = 0; k < p.run.gpuCount(); k++) {
            Gpu gpu = gpus[p.run.gpu(k)];
            gpu.integrate(e.time);
            gpu.remove(p);
          }
          solve(gpus, p);
          depart(cg, fs, p);
        }
      }
    }
    List<PodUsage> out = new ArrayList<>(pods.length);
    for (Pod p : pods) {
      out.add(new PodUsage(p.run.pod().index(), p.received, p.demanded, p.entitled, p.refusals, p.allocations, p.breach));
    }
    return out;
  }

  private void solve(Gpu[] gpus, Pod p) {
    for (int k = 0; k < p.run.gpuCount(); k++) {
      gpus[p.run.gpu(k)].solve(model);
    }
  }

  /** Draws the pod's next phase and brings its device memory to the phase's size; returns the phase's length. */
  private static double phase(Pod p) {
    double length = p.demand.next();
    if (p.files.length > 0) {
      int target = (int) Math.round(p.demand.memory() * CHUNKS_PER_SHARE);
      for (int k = 0; k < p.files.length; k++) {
        p.resize(k, target);
      }
    }
    return length;
  }

  private void arrive(Cgroups cg, CgroupFs fs, GpuDriver driver, Pod p) {
    PodSpec spec = p.run.pod();
    String dir = "/" + spec.name();
    fs.mkdir(dir);
    long memShare = Math.max(GpuDriver.CHUNK,
        (long) (node.model() == null ? 0 : node.model().memoryBytes() / 1000.0 * spec.gpuMilli()) / GpuDriver.CHUNK * GpuDriver.CHUNK);
    p.chunk = Math.max(GpuDriver.CHUNK, memShare / CHUNKS_PER_SHARE / GpuDriver.CHUNK * GpuDriver.CHUNK);
    for (int k = 0; k < p.run.gpuCount(); k++) {
      String dev = GpuDriver.deviceName(p.run.gpu(k));
      String cpu = dir + "/cpu.devices/" + dev + "/";
      String mem = dir + "/memory.devices/" + dev + "/";
      fs.write(cpu + "cpu.weight", Integer.toString(spec.gpuMilli()));
      if (caps) {
        fs.write(cpu + "cpu.max", (spec.gpuMilli() * PERIOD_USEC / 1000) + " " + PERIOD_USEC);
      }
      fs.write(mem + "memory.max", Long.toString(memShare));
      if (spec.qos() == Qos.GUARANTEED) {
        fs.write(mem + "memory.min", Long.toString(memShare));
      } else if (spec.qos() == Qos.LS) {
        fs.write(mem + "memory.low", Long.toString(memShare));
      }
      // the share model follows what the controller holds, read back through the same files
      p.weight[k] = Long.parseLong(fs.read(cpu + "cpu.weight").strip());
      p.cap[k] = cap(fs.read(cpu + "cpu.max").strip());
    }
    Task task = cg.tasks().spawn(spec.name(), CgroupPath.parse(dir));
    p.task = task;
    p.files = new DrmFile[p.run.gpuCount()];
    p.handles = new int[p.run.gpuCount()][];
    p.held = new int[p.run.gpuCount()];
    for (int k = 0; k < p.files.length; k++) {
      p.files[k] = driver.devices().get(p.run.gpu(k)).open(task);
      p.handles[k] = new int[CHUNKS_PER_SHARE * 2];
    }
  }

  /** {@code cpu.max}'s {@code $MAX $PERIOD} as GPUs' worth; infinity for {@code max}. */
  static double cap(String value) {
    String[] f = value.split(" ");
    if (f[0].equals("max")) {
      return Double.POSITIVE_INFINITY;
    }
    return Long.parseLong(f[0]) / (double) Long.parseLong(f[1]);
  }

  private static void depart(Cgroups cg, CgroupFs fs, Pod p) {
    for (DrmFile f : p.files) {
      f.close();
    }
    cg.tasks().exit(p.task.pid());
    fs.rmdir("/" + p.run.pod().name());
  }

  private record Event(double time, int kind, int pod, long seq) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      int c = Double.compare(time, o.time);
      if (c != 0) {
        return c;
      }
      c = Integer.compare(kind, o.kind);
      if (c != 0) {
        return c;
      }
      c = Integer.compare(pod, o.pod);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  /** A pod on the node: its settings as read back, its clients, its demand and what it got. */
  private static final class Pod {
    final PodRun run;
    final PodDemand demand;
    final double share;
    final double[] weight;
    final double[] cap;
    Task task;
    DrmFile[] files = new DrmFile[0];
    int[][] handles;
    int[] held;
    long chunk;
    double received;
    double demanded;
    double entitled;
    double breach;
    int refusals;
    int allocations;

    Pod(PodRun run, PodDemand.Source demands) {
      this.run = run;
      this.share = run.pod().gpuMilli() / 1000.0;
      this.demand = demands.of(run, share);
      this.weight = new double[run.gpuCount()];
      this.cap = new double[run.gpuCount()];
    }

    /** Allocates or frees chunks on client {@code k} until it holds {@code target}; a refusal stops growth. */
    void resize(int k, int target) {
      while (held[k] > target) {
        files[k].closeHandle(handles[k][--held[k]]);
      }
      while (held[k] < target) {
        try {
          int h = files[k].createGem(chunk, GpuDriver.REGION);
          if (held[k] == handles[k].length) {
            handles[k] = Arrays.copyOf(handles[k], held[k] * 2);
          }
          handles[k][held[k]++] = h;
          allocations++;
        } catch (CgroupException e) {
          if (e.errno() != Errno.ENOSPC) {
            throw e;
          }
          refusals++;
          return;
        }
      }
    }
  }

  /** One GPU: the pods on it, their current rates, and the time up to which their usage is summed. */
  private static final class Gpu {
    /** The pods on the GPU, in the order they came (the order the share model sees them in). */
    private final List<Occupant> on = new ArrayList<>();
    private final ShareInput input = new ShareInput();
    private double since;

    void add(Pod p, int k) {
      on.add(new Occupant(p, k));
    }

    void remove(Pod p) {
      on.removeIf(o -> o.pod == p);
    }

    /** Sums the pods' usage from the last change up to {@code now} at the rates of that interval. */
    void integrate(double now) {
      double dt = now - since;
      if (dt > 0) {
        for (Occupant o : on) {
          Pod p = o.pod;
          p.received += o.rate * dt;
          p.demanded += p.demand.compute() * dt;
          p.entitled += p.share * dt;
          if (o.breached) {
            p.breach += dt;
          }
        }
      }
      since = now;
    }

    void solve(ShareModel model) {
      int n = on.size();
      input.ensure(n);
      for (int i = 0; i < n; i++) {
        Occupant o = on.get(i);
        input.weight[i] = o.pod.weight[o.slot];
        input.cap[i] = o.pod.cap[o.slot];
        input.demand[i] = o.pod.demand.compute();
      }
      model.solve(n, input.weight, input.cap, input.demand, input.rate);
      for (int i = 0; i < n; i++) {
        Occupant o = on.get(i);
        o.rate = input.rate[i];
        o.breached = o.rate < Math.min(input.demand[i], o.pod.share) - 1e-9;
      }
    }
  }

  /** A pod on one of its GPUs: which of its clients runs there ({@code slot}) and what the last solve gave it. */
  private static final class Occupant {
    final Pod pod;
    final int slot;
    double rate;
    boolean breached;

    Occupant(Pod pod, int slot) {
      this.pod = pod;
      this.slot = slot;
    }
  }

  /** The share model's arguments for one GPU, reused from solve to solve so that a solve allocates nothing. */
  private static final class ShareInput {
    double[] weight = new double[4];
    double[] cap = new double[4];
    double[] demand = new double[4];
    double[] rate = new double[4];

    /** Makes room for {@code n} pods; what the arrays held is not kept (every solve fills them anew). */
    void ensure(int n) {
      if (weight.length < n) {
        int size = Math.max(n, weight.length * 2);
        weight = new double[size];
        cap = new double[size];
        demand = new double[size];
        rate = new double[size];
      }
    }
  }
}
