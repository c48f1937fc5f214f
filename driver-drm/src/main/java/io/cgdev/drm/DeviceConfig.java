package io.cgdev.drm;

import io.cgdev.api.Stability;
import io.cgdev.api.spi.EngineSpec;
import java.util.List;
import java.util.Objects;

/**
 * What a DRM device is made of, as its driver configures it: a driver builds one and hands it to
 * {@link DrmDevice#DrmDevice(DrmDriver, DeviceConfig)} (the kernel's driver filling in a {@code
 * drm_device} before {@code drm_dev_register}).
 *
 * @param name the device name, e.g. {@code i915.0}
 * @param pdev the PCI address, e.g. {@code 0000:00:02.0}
 * @param regions memory regions; the first {@link MemoryRegion.Kind#SYSTEM} one is the eviction
 *     target
 * @param engines engines; their index is the number cpuset uses
 * @param defaultPlacement region names used when a create names none
 * @param cgroupDevices how the device appears to the cgroup framework: the first holds the engines;
 *     empty means the default layout ({@link #defaultCgroupDevices})
 */
@Stability(Stability.Status.EXPERIMENTAL)
public record DeviceConfig(
    String name,
    String pdev,
    List<MemoryRegion> regions,
    List<EngineSpec> engines,
    List<String> defaultPlacement,
    List<CgroupDevice> cgroupDevices) {

  /**
   * One device as the cgroup framework sees it: the name of its folders under {@code
   * <controller>.devices/} and the regions and engines it offers, registered as one {@link
   * io.cgdev.api.spi.DeviceSpec}. Memory governs its one local region (system regions are host
   * memory: never charged); cpu and cpuset govern its engines (cpuset also all its regions). A device
   * with several local regions appears once per region (tile): the memory controller governs one
   * region per registration.
   *
   * @param name the folder name, e.g. {@code i915.0.tile1}
   * @param regions the names of the regions it offers
   * @param engines whether it offers the device's engines
   */
  public record CgroupDevice(String name, List<String> regions, boolean engines) {
    public CgroupDevice {
      Objects.requireNonNull(name, "name");
      regions = List.copyOf(regions);
    }
  }

  public DeviceConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pdev, "pdev");
    regions = List.copyOf(regions);
    engines = List.copyOf(engines);
    defaultPlacement = List.copyOf(defaultPlacement);
    cgroupDevices = cgroupDevices.isEmpty() ? defaultCgroupDevices(name, regions) : List.copyOf(cgroupDevices);
  }

  /**
   * The default layout: the device name offers the system regions, the first local region and every
   * engine; each further local region {@code k} (counting local regions from 0) appears as {@code
   * <name>.tile<k>}, offering that region to memory only.
   */
  public static List<CgroupDevice> defaultCgroupDevices(String name, List<MemoryRegion> regions) {
    List<String> first = new java.util.ArrayList<>();
    List<CgroupDevice> tiles = new java.util.ArrayList<>();
    int local = 0;
    for (MemoryRegion r : regions) {
      if (r.kind() == MemoryRegion.Kind.SYSTEM) {
        first.add(r.name());
      } else if (local++ == 0) {
        first.add(r.name());
      } else {
        tiles.add(new CgroupDevice(name + ".tile" + (local - 1), List.of(r.name()), false));
      }
    }
    List<CgroupDevice> out = new java.util.ArrayList<>();
    out.add(new CgroupDevice(name, first, true));
    out.addAll(tiles);
    return List.copyOf(out);
  }
}
