package io.cgdev.i915;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.DriverProvider;
import io.cgdev.drm.DriverFeature;
import io.cgdev.drm.DrmDevice;
import io.cgdev.drm.DrmDriver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The i915 driver plugin, found by {@link java.util.ServiceLoader}. {@link #probe} reads the
 * descriptor named by option {@code i915.descriptor} (a JSON file, see {@link I915Descriptor}) or
 * uses the one given to the constructor, else {@link I915Descriptor#defaults()}, then creates its
 * devices, each a {@link DrmDevice} configured by {@link I915DeviceConfig}, and registers them. Option {@code i915.cgroups=false} clears {@link
 * DriverFeature#DRIVER_CGROUPS} (nothing charged, no per-device files).
 *
 * <p>Features: GEM, MODESET, RENDER, ATOMIC, SYNCOBJ, SYNCOBJ_TIMELINE and CGROUPS; controllers
 * offered: memory, cpu, cpuset.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class I915Driver implements DriverProvider, DrmDriver {
  private static final Logger LOG = LoggerFactory.getLogger(I915Driver.class);
  /** The driver's name. */
  public static final String NAME = "i915";

  private final I915Descriptor given;
  private final Set<DriverFeature> features = EnumSet.of(
      DriverFeature.DRIVER_GEM, DriverFeature.DRIVER_MODESET, DriverFeature.DRIVER_RENDER,
      DriverFeature.DRIVER_ATOMIC, DriverFeature.DRIVER_SYNCOBJ, DriverFeature.DRIVER_SYNCOBJ_TIMELINE,
      DriverFeature.DRIVER_CGROUPS);
  private final List<DrmDevice> devices = new ArrayList<>();

  /** The ServiceLoader constructor: descriptor from the options or the default. */
  public I915Driver() {
    this(null);
  }

  /** A driver for the given hardware (tests, demos); option {@code i915.descriptor} still wins. */
  public I915Driver(I915Descriptor descriptor) {
    this.given = descriptor;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public synchronized Set<DriverFeature> features() {
    return Set.copyOf(features);
  }

  /** i915's engine classes in its uabi order, as its fdinfo prints them ({@code uabi_class_names}). */
  public static final List<String> UABI_CLASSES = List.of("render", "copy", "video", "video-enhance", "compute");

  /** As i915's {@code i915_drm_client_fdinfo}: the classes in uabi order. */
  @Override
  public List<String> fdinfoEngineClasses(List<String> classes) {
    List<String> out = new ArrayList<>();
    for (String c : UABI_CLASSES) {
      if (classes.contains(c)) {
        out.add(c);
      }
    }
    return out;
  }

  /** As i915's {@code show_meminfo}: active, resident and purgeable. */
  @Override
  public Set<MemoryStatus> fdinfoMemoryStatus() {
    return EnumSet.allOf(MemoryStatus.class);
  }

  @Override
  public void probe(DriverContext context) {
    if (context.option("i915.cgroups").map(v -> v.equals("false") || v.equals("0")).orElse(false)) {
      synchronized (this) {
        features.remove(DriverFeature.DRIVER_CGROUPS);
      }
    }
    I915Descriptor d = context.option("i915.descriptor").map(p -> I915Descriptor.read(Path.of(p)))
        .orElse(given != null ? given : I915Descriptor.defaults());
    for (I915Descriptor.Device dd : d.devices()) {
      DrmDevice dev = new DrmDevice(this, I915DeviceConfig.of(dd));
      dev.register(context);
      synchronized (this) {
        devices.add(dev);
      }
      LOG.info("i915: probed {} ({} tiles, {} engines)", dd.name(), dd.lmem().size(), dd.engines().size());
    }
  }

  /** The probed devices. */
  public synchronized List<DrmDevice> devices() {
    return List.copyOf(devices);
  }

  /**
   * The probed device of a name.
   *
   * @throws CgroupException {@code ENODEV} if there is none
   */
  public synchronized DrmDevice device(String name) {
    for (DrmDevice d : devices) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    throw CgroupException.of(Errno.ENODEV, "i915: no device %s (devices: %s)", name, devices.stream().map(DrmDevice::name).toList());
  }

  /** Closes every client and unplugs each device; logs devices that still hold objects. */
  @Override
  public void remove() {
    for (DrmDevice d : devices()) {
      d.stopLive();
      d.clients().forEach(f -> f.close());
      if (d.registered()) {
        try {
          d.unplug();
        } catch (CgroupException e) {
          LOG.warn("i915: cannot unplug {}: {}", d.name(), e.toString());
        }
      }
    }
  }
}
