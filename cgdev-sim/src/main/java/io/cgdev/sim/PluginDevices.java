package io.cgdev.sim;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import io.cgdev.api.spi.DeviceWorkloads;
import io.cgdev.api.spi.DriverProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Devices of drivers the tool was not compiled against (plugins from folders, the samples), driven
 * through the api's {@link DeviceWorkloads} capability: a driver that implements it can run a
 * scenario's memory workloads (in any of its regions) and, if it names engine classes, its work. A
 * driver without it is not skipped silently: {@link Found#notes()} says which drivers cannot run
 * workloads, for the runner to print.
 *
 * <p>Calls into the plugin are guarded as the core guards its own: a plugin that throws anything but
 * a {@link CgroupException} fails that one call with {@code EIO} (the stream counts it as a refused
 * allocation) instead of ending the run.
 */
public final class PluginDevices {
  /** What was found: devices by name, and a note for each driver that offers no workloads. */
  public record Found(Map<String, Device> devices, List<String> notes) {
    /** Nothing: no plugin drivers. */
    public static final Found NONE = new Found(Map.of(), List.of());

    public Found {
      devices = Map.copyOf(devices);
      notes = List.copyOf(notes);
    }
  }

  private PluginDevices() {}

  /**
   * The devices of the given drivers. Call it after boot with the drivers the tool does not drive
   * itself (the DRM ones it does).
   */
  public static Found of(List<DriverProvider> drivers) {
    Map<String, Device> out = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    for (DriverProvider d : drivers) {
      String driver = d.getClass().getName();
      if (!(d instanceof DeviceWorkloads dw)) {
        notes.add("driver " + name(d) + " (" + driver + ") offers no DeviceWorkloads: its devices cannot run workloads");
        continue;
      }
      try {
        for (String dev : dw.devices()) {
          out.put(dev, new Device(dev, name(d), dw));
        }
      } catch (RuntimeException | LinkageError e) {
        notes.add("driver " + name(d) + " (" + driver + ") failed to list its devices, which cannot run workloads: " + e);
      }
    }
    return new Found(out, notes);
  }

  private static String name(DriverProvider d) {
    try {
      return d.name();
    } catch (RuntimeException e) {
      return d.getClass().getSimpleName();
    }
  }

  /** One plugin device. Thread-safe as its driver is. */
  public static final class Device {
    private final String name;
    private final String driver;
    private final DeviceWorkloads workloads;

    Device(String name, String driver, DeviceWorkloads workloads) {
      this.name = name;
      this.driver = driver;
      this.workloads = workloads;
    }

    public String name() {
      return name;
    }

    /** The regions memory may be allocated in; empty if the driver fails to say. */
    public List<String> regions() {
      try {
        return guarded("regions", () -> workloads.regions(name));
      } catch (CgroupException e) {
        return List.of();
      }
    }

    /** The engine classes the device runs work on. */
    public Set<String> engineClasses() {
      try {
        return guarded("engineClasses", () -> workloads.engineClasses(name));
      } catch (CgroupException e) {
        return Set.of();
      }
    }

    /**
     * Allocates through the driver.
     *
     * @throws CgroupException the driver's refusal, or {@code EIO} if it failed otherwise
     */
    public DeviceWorkloads.Allocation allocate(String region, Task task, long bytes) {
      return guarded("allocate", () -> workloads.allocate(name, region, task, bytes));
    }

    /** Frees an allocation; a driver that fails to is reported as {@code EIO}. */
    public void free(DeviceWorkloads.Allocation a) {
      guarded("free", () -> {
        a.close();
        return null;
      });
    }

    /** Submits work through the driver. @throws CgroupException as {@link #allocate} */
    public void submit(Task task, String engineClass, long nanos) {
      guarded("submit", () -> {
        workloads.submit(name, task, engineClass, nanos);
        return null;
      });
    }

    private <T> T guarded(String what, Supplier<T> call) {
      try {
        return call.get();
      } catch (CgroupException e) {
        throw e;
      } catch (RuntimeException | LinkageError e) {
        throw new CgroupException(Errno.EIO, "driver " + driver + " failed in " + what + " on " + name + ": " + e, e);
      }
    }
  }
}
