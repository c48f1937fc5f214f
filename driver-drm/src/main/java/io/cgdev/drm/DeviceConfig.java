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
 *     empty means one under the device name with every region and engine
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
   * io.cgdev.api.spi.DeviceSpec}. Memory governs its regions; cpu and cpuset govern its engines
   * (cpuset also its regions). A device may appear several times, e.g. once per memory tile.
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
    cgroupDevices = cgroupDevices.isEmpty()
        ? List.of(new CgroupDevice(name, regions.stream().map(MemoryRegion::name).toList(), true))
        : List.copyOf(cgroupDevices);
  }
}
