package io.cgdev.sample.gem;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.DriverProvider;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.sample.gem.api.GemCounting;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vgem}: a virtual GEM driver (as the kernel's vgem) that shows the gem controller at work.
 * It registers one device, {@code vgem0}, with the {@code gem} controller (objects) and the {@code
 * memory} controller (a 1 GiB {@code vram} region, which cannot evict), whichever are present.
 *
 * <p>Tools drive it through {@link #allocate}: a GEM object created by a task is counted in gem and
 * charged in memory to the task's cgroup; closing it returns both. Thread-safe.
 */
public final class VgemDriver implements DriverProvider {
  /** The device this driver registers. */
  public static final String DEVICE = "vgem0";
  /** Its one region. */
  public static final String REGION = "vram";

  private volatile DriverContext context;
  private volatile DeviceRegistration registration;
  private volatile GemCounting gem;
  private volatile MemoryCharging memory;
  private volatile int region = -1;

  /** The ServiceLoader constructor. */
  public VgemDriver() {}

  @Override
  public String name() {
    return "vgem";
  }

  @Override
  public void probe(DriverContext ctx) {
    List<String> wanted = new ArrayList<>();
    for (String c : List.of(GemController.NAME, "memory")) {
      if (ctx.controllers().contains(c)) {
        wanted.add(c);
      }
    }
    if (wanted.isEmpty()) {
      return; // nothing to govern this device: it stays out of the file view
    }
    DeviceRegistration reg = ctx.register(DeviceSpec.builder(DEVICE, name())
        .controllers(wanted.toArray(String[]::new))
        .region(new RegionSpec(REGION, 1L << 30))
        .build());
    this.context = ctx;
    this.gem = reg.capability(GemCounting.class).orElse(null);
    this.memory = reg.capability(MemoryCharging.class).orElse(null);
    this.region = memory == null ? -1 : memory.region(REGION);
    this.registration = reg;
  }

  /** The devices this driver registered. */
  public List<String> deviceNames() {
    return registration == null ? List.of() : List.of(DEVICE);
  }

  /**
   * Creates a GEM object of {@code bytes} for a task on {@code device}: one object counted and the
   * bytes charged to the task's cgroup.
   *
   * @return closing it frees the object (idempotent)
   * @throws CgroupException {@code ENOSPC} when {@code gem.max} or {@code memory.max} refuses
   *     (nothing stays charged), {@code ENODEV} for another device or before probe
   */
  public AutoCloseable allocate(String device, Task task, long bytes) {
    DriverContext ctx = context;
    if (!DEVICE.equals(device) || ctx == null) {
      throw CgroupException.of(Errno.ENODEV, "vgem: no device %s", device);
    }
    CgroupHandle cg = ctx.cgroupOf(task);
    if (gem != null) {
      gem.charge(cg, 1);
    }
    if (memory != null) {
      try {
        memory.charge(cg, region, bytes);
      } catch (CgroupException e) {
        if (gem != null) {
          gem.uncharge(cg, 1);
        }
        throw e;
      }
    }
    return new AutoCloseable() {
      private boolean closed;

      @Override
      public synchronized void close() {
        if (closed) {
          return;
        }
        closed = true;
        if (memory != null) {
          memory.uncharge(cg, region, bytes);
        }
        if (gem != null) {
          gem.uncharge(cg, 1);
        }
      }
    };
  }

  @Override
  public void remove() {
    DeviceRegistration reg = registration;
    if (reg != null && reg.registered()) {
      try {
        reg.unregister();
      } catch (CgroupException e) {
        // objects still live: the hierarchy is going away anyway
      }
    }
  }
}
