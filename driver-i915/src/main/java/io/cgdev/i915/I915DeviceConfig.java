package io.cgdev.i915;

import io.cgdev.api.Stability;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.drm.DeviceConfig;
import io.cgdev.drm.MemoryRegion;
import java.util.ArrayList;
import java.util.List;

/**
 * How the i915 driver configures a DRM device from a descriptor entry: system memory {@code smem}
 * (counting allocator), local memory {@code lmem<N>} per tile (buddy allocator), the descriptor's
 * engines.
 *
 * <p>Layout with the cgroup framework: the device name (e.g. {@code i915.0}) offers {@code smem} and
 * {@code lmem0} to memory (and cpuset as mems) and every engine to cpu and cpuset; each further tile
 * appears as {@code <name>.tile<N>} offering {@code lmem<N>} to memory only. New objects prefer
 * local memory of tile 0, then system memory.
 *
 * <p>Everything else (GEM, eviction, scheduling, fdinfo) is the DRM model's, see {@link
 * io.cgdev.drm.DrmDevice}.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class I915DeviceConfig {
  private I915DeviceConfig() {}

  /** The configuration of the device a descriptor entry describes. */
  public static DeviceConfig of(I915Descriptor.Device d) {
    List<MemoryRegion> regions = new ArrayList<>();
    regions.add(MemoryRegion.system("smem", d.smem()));
    for (int t = 0; t < d.lmem().size(); t++) {
      regions.add(MemoryRegion.local("lmem" + t, d.lmem().get(t), d.chunk()));
    }
    List<EngineSpec> engines = d.engines().stream().map(e -> new EngineSpec(e, I915Descriptor.engineClass(e))).toList();
    List<DeviceConfig.CgroupDevice> cgroupDevices = new ArrayList<>();
    List<String> tile0 = new ArrayList<>(List.of("smem"));
    if (!d.lmem().isEmpty()) {
      tile0.add("lmem0");
    }
    cgroupDevices.add(new DeviceConfig.CgroupDevice(d.name(), tile0, true));
    for (int t = 1; t < d.lmem().size(); t++) {
      cgroupDevices.add(new DeviceConfig.CgroupDevice(d.name() + ".tile" + t, List.of("lmem" + t), false));
    }
    List<String> placement = d.lmem().isEmpty() ? List.of("smem") : List.of("lmem0", "smem");
    return new DeviceConfig(d.name(), d.pdev(), regions, engines, placement, cgroupDevices);
  }
}
