package io.cgdev.bench.sim;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import io.cgdev.controller.cpu.CpuController;
import io.cgdev.controller.cpuset.CpusetController;
import io.cgdev.controller.memory.MemoryController;
import io.cgdev.core.Cgroups;
import io.cgdev.drm.DrmDevice;
import io.cgdev.i915.I915Driver;
import io.cgdev.sim.Progress;
import io.cgdev.sim.ScenarioRunner;
import io.cgdev.sim.scenario.Scenario;
import io.cgdev.sim.scenario.ScenarioParser;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files the simulator's sampler reads, in isolation from the simulation: after one run of a
 * scenario (so that the counters hold a run's values), the files of one sample — every leaf's {@code
 * cpu.stat}, {@code cpu.pressure} and {@code memory.pressure}, every tenant's {@code memory.current}
 * of the scenario's device — are read again and again through handles kept open, as the sampler
 * reads them. Prints the thread's CPU time per sample (median and best of 40 batches of 500, after 10
 * batches of warm-up). Measures content generation through the file view; the sampler's parsing is not
 * in it.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.cgdev.bench.sim.SampledFilesBench [FILE]}, from the
 * repository root. Self-contained (it boots its own hierarchy), so that it also runs in source-file
 * mode against an older jar: {@code java -cp OLD.jar bench/src/main/java/io/cgdev/bench/sim/SampledFilesBench.java}.
 */
public final class SampledFilesBench {
  private static final int WARMUP = 10;
  private static final int BATCHES = 40;
  private static final int PASSES = 500;

  private SampledFilesBench() {}

  public static void main(String[] args) {
    Scenario scenario = ScenarioParser.parse(Path.of(args.length > 0 ? args[0] : "samples/scenarios/hundred-workloads.yaml"));
    String device = "i915.0";
    try (Cgroups cg = Cgroups.builder().discover(false)
        .controller(new MemoryController()).controller(new CpuController()).controller(new CpusetController())
        .driver(new I915Driver()).build()) {
      Map<String, DrmDevice> devices = new LinkedHashMap<>();
      cg.driver(I915Driver.class).orElseThrow().devices().forEach(d -> devices.put(d.name(), d));
      ScenarioRunner runner = new ScenarioRunner(cg.fs(), cg.tasks(), cg.controllers(), devices, scenario, device, Progress.NONE);
      runner.run();
      List<OpenFile> files = sampled(cg.fs(), scenario, device);
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      double[] micros = new double[BATCHES];
      long chars = 0;
      for (int b = -WARMUP; b < BATCHES; b++) {
        long start = threads.getCurrentThreadCpuTime();
        for (int n = 0; n < PASSES; n++) {
          for (OpenFile f : files) {
            chars += f.read().length();
          }
        }
        if (b >= 0) {
          micros[b] = (threads.getCurrentThreadCpuTime() - start) / 1e3 / PASSES;
        }
      }
      files.forEach(OpenFile::close);
      runner.release();
      Arrays.sort(micros);
      System.out.printf(Locale.ROOT, "%s: %d files per sample (%d chars read in all): median %.1f us, best %.1f us of CPU per sample%n",
          scenario.name(), files.size(), chars, micros[BATCHES / 2], micros[0]);
    }
  }

  /** The files of one sample, opened: per leaf with workloads, its cpu and pressure files; per tenant, memory.current. */
  private static List<OpenFile> sampled(CgroupFs fs, Scenario scenario, String device) {
    List<OpenFile> files = new ArrayList<>();
    for (Scenario.Tenant t : scenario.allTenants()) {
      files.add(fs.open(t.path() + "/memory.devices/" + device + "/memory.current", OpenOptions.READ));
      if (t.children().isEmpty() && !t.workloads().isEmpty()) {
        files.add(fs.open(t.path() + "/cpu.devices/" + device + "/cpu.stat", OpenOptions.READ));
        files.add(fs.open(t.path() + "/cpu.devices/" + device + "/cpu.pressure", OpenOptions.READ));
        files.add(fs.open(t.path() + "/memory.devices/" + device + "/memory.pressure", OpenOptions.READ));
      }
    }
    return files;
  }
}
