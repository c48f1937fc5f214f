package io.cgdev.sample.gem;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Task;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DeviceWorkloads;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.plugin.support.Registrar;
import io.cgdev.plugin.support.SingleDeviceDriver;
import io.cgdev.sample.gem.api.GemCounting;
import java.util.Optional;

/**
 * {@code vgem}: a virtual GEM driver (as the kernel's vgem) that shows the gem controller at work.
 * It registers one device, {@code vgem0}, with the {@code gem} controller (objects) and the {@code
 * memory} controller (a 1 GiB {@code vram} region, which cannot evict), whichever are present.
 *
 * <p>Tools drive it through {@link DeviceWorkloads}: a GEM object created by a task is counted in gem
 * and charged in memory to the task's cgroup; closing it returns both. Thread-safe.
 */
public final class VgemDriver extends SingleDeviceDriver {
  /** The device this driver registers. */
  public static final String DEVICE = "vgem0";
  /** Its one region. */
  public static final String REGION = "vram";

  private volatile GemCounting gem;

  /** The ServiceLoader constructor. */
  public VgemDriver() {
    super("vgem", DEVICE, REGION, "device");
  }

  @Override
  protected Optional<DeviceRegistration> register(DriverContext ctx) {
    // nothing present to govern the device: it stays out of the file view
    return Registrar.registerWithPresent(ctx,
        DeviceSpec.builder(DEVICE, name()).region(new RegionSpec(REGION, 1L << 30)), GemController.NAME, "memory");
  }

  @Override
  protected void registered(DeviceRegistration reg) {
    this.gem = reg.capability(GemCounting.class).orElse(null);
  }

  /**
   * Creates a GEM object of {@code bytes} for a task: one object counted and the bytes charged to the
   * task's cgroup, all or nothing.
   *
   * @throws CgroupException {@code ENOSPC} when {@code gem.max} or {@code memory.max} refuses
   *     (nothing stays charged), {@code EINVAL} for another region, {@code ENODEV} for another device,
   *     before probe or after remove
   */
  @Override
  public Allocation allocate(String device, String regionName, Task task, long bytes) {
    DriverContext ctx = checked(device, regionName);
    CgroupHandle cg = ctx.cgroupOf(task);
    GemCounting g = gem;
    MemoryCharging m = memory();
    if (g != null) {
      g.charge(cg, 1);
    }
    MemoryCharging.Pool pool = null;
    if (m != null) {
      try {
        pool = m.charge(cg, memoryRegion(), bytes);
      } catch (CgroupException e) {
        if (g != null) {
          g.uncharge(cg, 1);
        }
        throw e;
      }
    }
    MemoryCharging.Pool charged = pool;
    return allocation(bytes, () -> {
      if (charged != null) {
        m.uncharge(charged, bytes);
      }
      if (g != null) {
        g.uncharge(cg, 1);
      }
    });
  }
}
