package io.cgdev.i915;

import io.cgdev.api.Stability;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.drm.DrmDevice;
import io.cgdev.drm.DrmDriver;
import io.cgdev.drm.MemoryRegion;
import java.util.ArrayList;
import java.util.List;

/**
 * A modelled i915 device: system memory {@code smem} (counting allocator), local memory {@code
 * lmem<N>} per tile (buddy allocator), the descriptor's engines, on its own simulated clock.
 *
 * <p>Registration layout with the cgroup framework: the device name (e.g. {@code i915.0}) offers
 * {@code smem} and {@code lmem0} to memory (and cpuset as mems) and every engine to cpu and cpuset;
 * each further tile registers as {@code <name>.tile<N>} offering {@code lmem<N>} to memory only.
 * New objects prefer local memory of tile 0, then system memory.
 *
 * <p>Everything else (GEM, eviction, scheduling, fdinfo, {@link #submit}, {@link #runFor}, {@link
 * #startLive}) is the DRM core's, see {@link DrmDevice}.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class I915Device extends DrmDevice {
  private final I915Descriptor.Device descriptor;

  /** A device as the descriptor describes it; not registered yet. */
  public I915Device(DrmDriver driver, I915Descriptor.Device d) {
    super(driver, config(d));
    this.descriptor = d;
  }

  private static Config config(I915Descriptor.Device d) {
    List<MemoryRegion> regions = new ArrayList<>();
    regions.add(MemoryRegion.system("smem", d.smem()));
    for (int t = 0; t < d.lmem().size(); t++) {
      regions.add(MemoryRegion.local("lmem" + t, d.lmem().get(t), d.chunk()));
    }
    List<EngineSpec> engines = d.engines().stream().map(e -> new EngineSpec(e, I915Descriptor.engineClass(e))).toList();
    List<Registration> regs = new ArrayList<>();
    List<String> tile0 = new ArrayList<>(List.of("smem"));
    if (!d.lmem().isEmpty()) {
      tile0.add("lmem0");
    }
    regs.add(new Registration(d.name(), tile0, true));
    for (int t = 1; t < d.lmem().size(); t++) {
      regs.add(new Registration(d.name() + ".tile" + t, List.of("lmem" + t), false));
    }
    List<String> placement = d.lmem().isEmpty() ? List.of("smem") : List.of("lmem0", "smem");
    return new Config(d.name(), d.pdev(), regions, engines, placement, regs);
  }

  /** The descriptor entry this device was made from. */
  public I915Descriptor.Device descriptor() {
    return descriptor;
  }

  /** Number of tiles (local-memory regions). */
  public int tiles() {
    return descriptor.lmem().size();
  }
}
