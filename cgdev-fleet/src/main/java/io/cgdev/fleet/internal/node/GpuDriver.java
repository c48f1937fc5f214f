package io.cgdev.fleet.internal.node;

import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.DriverProvider;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.drm.DeviceConfig;
import io.cgdev.drm.DriverFeature;
import io.cgdev.drm.DrmDevice;
import io.cgdev.drm.DrmDriver;
import io.cgdev.drm.MemoryRegion;
import io.cgdev.fleet.trace.GpuModel;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A generic GPU driver on the DRM model: a node's GPUs, each a device {@code gpu.<n>} with one region
 * {@code vram} of its type's memory (a buddy allocator, 2 MiB chunks) offered to the memory controller
 * and one engine {@code compute0} offered to the cpu controller. One region per registration, so
 * {@code memory.max} and friends take a single value, as memcg's do. Registered with the node's
 * hierarchy when it is probed; the node's thread only.
 */
final class GpuDriver implements DriverProvider {
  /** The buddy allocator's smallest block: GEM sizes are multiples of it. */
  static final long CHUNK = 2L << 20;
  static final String REGION = "vram";
  static final String ENGINE_CLASS = "compute";
  private static final DrmDriver DRIVER = DrmDriver.of("gpu", EnumSet.of(DriverFeature.DRIVER_GEM,
      DriverFeature.DRIVER_RENDER, DriverFeature.DRIVER_CGROUPS), Set.of(DrmDriver.MEMORY, DrmDriver.CPU));
  private final GpuModel model;
  private final int count;
  private final List<DrmDevice> devices = new ArrayList<>();

  GpuDriver(GpuModel model, int count) {
    this.model = model;
    this.count = count;
  }

  static String deviceName(int gpu) {
    return "gpu." + gpu;
  }

  @Override
  public String name() {
    return "gpu";
  }

  @Override
  public void probe(DriverContext context) {
    for (int g = 0; g < count; g++) {
      DeviceConfig config = new DeviceConfig(deviceName(g), String.format(Locale.ROOT, "0000:%02x:00.0", g + 1),
          List.of(MemoryRegion.local(REGION, model.memoryBytes(), CHUNK)),
          List.of(new EngineSpec("compute0", ENGINE_CLASS)), List.of(REGION), List.of());
      DrmDevice dev = new DrmDevice(DRIVER, config);
      dev.register(context);
      devices.add(dev);
    }
  }

  /** The devices, by GPU number. */
  List<DrmDevice> devices() {
    return devices;
  }

  @Override
  public void remove() {
    for (DrmDevice d : devices) {
      try {
        d.unplug();
      } catch (RuntimeException e) {
        // a node torn down with live objects: nothing to keep consistent any more
      }
    }
  }
}
