package io.cgdev.i915;

import io.cgdev.api.Stability;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.drm.DeviceConfig;
import io.cgdev.drm.MemoryRegion;
import java.util.ArrayList;
import java.util.List;

/**
 * How the i915 driver configures a DRM device from a descriptor entry. Regions carry the names the
 * real i915 gives its memory regions ({@code intel_memory_region}'s uabi names, which its fdinfo
 * prints): {@code system0} for system memory (counting allocator) and {@code local<N>} for the local
 * memory of tile N (buddy allocator); engines are the descriptor's.
 *
 * <p>Layout with the cgroup framework (one region of device memory per memory registration): the
 * device name (e.g. {@code i915.0}) is the card: it offers {@code system0} (host memory, never
 * charged; cpuset's mem 0) and tile 0's {@code local0} to memory and cpuset, and every engine to cpu
 * and cpuset — so a one-tile card is just {@code i915.0}. Each further tile N registers as {@code
 * <name>.tile<N>} (e.g. {@code i915.0.tile1}) offering {@code local<N>} to memory only. In the dmem
 * view the regions are {@code drm/<pci address>/local<N>}. New objects prefer {@code local0}, then
 * {@code system0}.
 *
 * <p>Everything else (GEM, eviction, scheduling, fdinfo) is the DRM model's, see {@link
 * io.cgdev.drm.DrmDevice}.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class I915DeviceConfig {
  /** i915's name of system memory. */
  public static final String SYSTEM = "system0";

  private I915DeviceConfig() {}

  /** i915's name of tile {@code n}'s local memory: {@code local<n>}. */
  public static String local(int tile) {
    return "local" + tile;
  }

  /** The configuration of the device a descriptor entry describes. */
  public static DeviceConfig of(I915Descriptor.Device d) {
    List<MemoryRegion> regions = new ArrayList<>();
    regions.add(MemoryRegion.system(SYSTEM, d.smem()));
    for (int t = 0; t < d.lmem().size(); t++) {
      regions.add(MemoryRegion.local(local(t), d.lmem().get(t), d.chunk()));
    }
    List<EngineSpec> engines = d.engines().stream().map(e -> new EngineSpec(e, I915Descriptor.engineClass(e))).toList();
    List<String> placement = d.lmem().isEmpty() ? List.of(SYSTEM) : List.of(local(0), SYSTEM);
    return new DeviceConfig(d.name(), d.pdev(), regions, engines, placement,
        DeviceConfig.defaultCgroupDevices(d.name(), regions));
  }
}
