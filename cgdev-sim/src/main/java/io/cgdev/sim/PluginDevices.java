package io.cgdev.sim;

import io.cgdev.api.Task;
import io.cgdev.api.spi.DriverProvider;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Devices of drivers the tool was not compiled against (plugins loaded from folders), driven by a
 * small convention instead of a shared type: a driver offering public methods {@code List<String>
 * deviceNames()} and {@code AutoCloseable allocate(String device, Task task, long bytes)} can run
 * a scenario's memory workloads. The example plugins (vgem, rdma) follow it.
 */
public final class PluginDevices {
  /** Allocates device memory for a task; closing the result frees it. */
  @FunctionalInterface
  public interface Allocator {
    AutoCloseable allocate(Task task, long bytes) throws Throwable;
  }

  private PluginDevices() {}

  /** The devices of the drivers that follow the convention, by name. */
  public static Map<String, Allocator> of(List<DriverProvider> drivers) {
    Map<String, Allocator> out = new LinkedHashMap<>();
    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
    for (DriverProvider d : drivers) {
      try {
        MethodHandle names = lookup.findVirtual(d.getClass(), "deviceNames", MethodType.methodType(List.class));
        MethodHandle alloc = lookup.findVirtual(d.getClass(), "allocate",
            MethodType.methodType(AutoCloseable.class, String.class, Task.class, long.class));
        @SuppressWarnings("unchecked") // the convention's return type
        List<String> devices = (List<String>) names.invoke(d);
        for (String dev : devices) {
          out.put(dev, (task, bytes) -> (AutoCloseable) alloc.invoke(d, dev, task, bytes));
        }
      } catch (NoSuchMethodException | IllegalAccessException e) {
        // not a driver that follows the convention: its devices cannot run workloads
      } catch (Throwable e) {
        throw new IllegalStateException("driver " + d.name() + ": deviceNames() failed", e);
      }
    }
    return out;
  }
}
