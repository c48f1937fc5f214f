package io.cgdev.controller.memory;

import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceBinding;
import java.util.List;

/**
 * The {@code memory} controller for devices: memcg's files and semantics per device registration
 * ({@code memory.current}, {@code min}, {@code low}, {@code high}, {@code max}, {@code peak}, {@code
 * events}, {@code events.local}, {@code stat}, {@code reclaim}, {@code swap.*}, and {@code capacity}
 * at the root), one region of device memory per registration, charged by drivers through {@link
 * io.cgdev.api.spi.MemoryCharging} with dmem-style eviction (as swap) through the device's
 * reclaimer. The same counters are offered in dmem's shapes by the {@link DmemController}.
 *
 * <p>Created by the core (ServiceLoader or builder); its methods run under the hierarchy lock.
 */
public final class MemoryController implements Controller<MemoryState> {
  /** Called by the core (ServiceLoader or builder). */
  public MemoryController() {}

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public List<CgroupFile<MemoryState>> deviceFiles() {
    return MemoryFiles.deviceFiles();
  }

  @Override
  public DeviceBinding<MemoryState> bind(BindContext<MemoryState> context) {
    MemoryBinding b = new MemoryBinding(this, context);
    MemoryDevices.of(context.root()).add(b);
    return b;
  }

  void unbound(MemoryBinding binding, MemoryDevices devices) {
    devices.remove(binding);
  }
}
