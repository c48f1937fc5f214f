package io.cgdev.sample.gem;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DeviceWorkloads;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.DriverProvider;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.plugin.support.Registrar;
import io.cgdev.sample.gem.api.GemCounting;
import java.util.List;

/**
 * {@code vgem}: a virtual GEM driver (as the kernel's vgem) that shows the gem controller at work.
 * It registers one device, {@code vgem0}, with the {@code gem} controller (objects) and the {@code
 * memory} controller (a 1 GiB {@code vram} region, which cannot evict), whichever are present.
 *
 * <p>Tools drive it through {@link DeviceWorkloads}: a GEM object created by a task is counted in gem
 * and charged in memory to the task's cgroup; closing it returns both. Thread-safe.
 */
public final class VgemDriver implements DriverProvider, DeviceWorkloads {
  /** The device this driver registers. */
  public static final String DEVICE = "vgem0";
  /** Its one region. */
  public static final String REGION = "vram";

  private volatile DriverContext context;
  private volatile DeviceRegistration registration;
  private volatile GemCounting gem;
  private volatile MemoryCharging memory;
  private volatile int region = -1;
  private volatile boolean removed;

  /** The ServiceLoader constructor. */
  public VgemDriver() {}

  @Override
  public String name() {
    return "vgem";
  }

  @Override
  public void probe(DriverContext ctx) {
    DeviceRegistration reg = Registrar.registerWithPresent(ctx,
        DeviceSpec.builder(DEVICE, name()).region(new RegionSpec(REGION, 1L << 30)), GemController.NAME, "memory")
        .orElse(null);
    if (reg == null) {
      return; // nothing to govern this device: it stays out of the file view
    }
    this.context = ctx;
    this.gem = reg.capability(GemCounting.class).orElse(null);
    this.memory = reg.capability(MemoryCharging.class).orElse(null);
    this.region = memory == null ? -1 : memory.region(REGION);
    this.registration = reg;
  }

  @Override
  public List<String> devices() {
    DeviceRegistration reg = registration;
    return reg == null || removed ? List.of() : List.of(DEVICE);
  }

  @Override
  public List<String> regions(String device) {
    check(device);
    return List.of(REGION);
  }

  private DriverContext check(String device) {
    DriverContext ctx = context;
    if (!DEVICE.equals(device) || ctx == null || removed) {
      throw CgroupException.of(Errno.ENODEV, "vgem: no device %s", device);
    }
    return ctx;
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
    DriverContext ctx = check(device);
    if (!REGION.equals(regionName)) {
      throw CgroupException.of(Errno.EINVAL, "vgem: %s has no region %s (it has %s)", device, regionName, REGION);
    }
    CgroupHandle cg = ctx.cgroupOf(task);
    GemCounting g = gem;
    MemoryCharging m = memory;
    if (g != null) {
      g.charge(cg, 1);
    }
    MemoryCharging.Pool pool = null;
    if (m != null) {
      try {
        pool = m.charge(cg, region, bytes);
      } catch (CgroupException e) {
        if (g != null) {
          g.uncharge(cg, 1);
        }
        throw e;
      }
    }
    MemoryCharging.Pool charged = pool;
    return new Allocation() {
      private boolean closed;

      @Override
      public long bytes() {
        return bytes;
      }

      @Override
      public synchronized void close() {
        if (closed) {
          return;
        }
        closed = true;
        if (charged != null) {
          m.uncharge(charged, bytes);
        }
        if (g != null) {
          g.uncharge(cg, 1);
        }
      }
    };
  }

  /**
   * Unplugs {@code vgem0}. With objects still alive the gem controller refuses ({@code EBUSY}): the
   * device then stays registered so that their charges go back where they came from when they are
   * closed, and only new objects are refused ({@code ENODEV}).
   */
  @Override
  public void remove() {
    removed = true;
    DeviceRegistration reg = registration;
    if (reg != null && reg.registered()) {
      try {
        reg.unregister();
      } catch (CgroupException e) {
        // objects still live: their frees return the charges; the device goes with the hierarchy
      }
    }
  }
}
