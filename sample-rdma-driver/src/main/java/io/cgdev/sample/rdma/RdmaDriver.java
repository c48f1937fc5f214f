package io.cgdev.sample.rdma;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DeviceWorkloads;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.plugin.support.Registrar;
import io.cgdev.plugin.support.SingleDeviceDriver;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code rdma} driver: one adapter, {@code rdma0}, with 512 MiB of on-adapter memory ({@code
 * devmem}) registered with the memory controller (when present). Nothing about it is DRM: the
 * memory controller governs it exactly as it governs a GPU's local memory, which is the point of
 * registering devices with the existing controllers.
 *
 * <p>Tools drive it through {@link DeviceWorkloads} (a memory registration by a task). Thread-safe.
 */
public final class RdmaDriver extends SingleDeviceDriver {
  /** The adapter's name. */
  public static final String DEVICE = "rdma0";
  /** Its memory region. */
  public static final String REGION = "devmem";
  /** Bytes of on-adapter memory. */
  public static final long CAPACITY = 512L << 20;

  private final AtomicLong registered = new AtomicLong();

  /** The ServiceLoader constructor. */
  public RdmaDriver() {
    super("rdma", DEVICE, REGION, "adapter");
  }

  @Override
  protected Optional<DeviceRegistration> register(DriverContext ctx) {
    // no memory controller: nothing would govern the adapter
    return Registrar.registerWithPresent(ctx, DeviceSpec.builder(DEVICE, name())
        .region(new RegionSpec(REGION, CAPACITY))
        .attribute("transport", "roce"), "memory");
  }

  /** Bytes registered now, over all cgroups (the adapter's own count, to check against the files). */
  public long registeredBytes() {
    return registered.get();
  }

  /**
   * Registers {@code bytes} of adapter memory for a task (a memory region in RDMA terms), charged to
   * the task's cgroup; the memory is pinned until the registration is closed.
   *
   * @return closing it deregisters (idempotent)
   * @throws CgroupException {@code ENOSPC} at {@code memory.max} or when the adapter is full,
   *     {@code EINVAL} for another region, {@code ENODEV} for another device, before probe or after
   *     remove
   */
  @Override
  public Allocation allocate(String device, String regionName, Task task, long bytes) {
    DriverContext ctx = checked(device, regionName);
    // the charging policy: charge the task's cgroup first (read again if it was removed meanwhile),
    // reserve adapter memory second; the charge goes back to the pool it came from
    MemoryCharging memory = memory();
    MemoryCharging.Pool pool = memory.charge(ctx, task, memoryRegion(), bytes);
    if (registered.addAndGet(bytes) > CAPACITY) {
      registered.addAndGet(-bytes);
      memory.uncharge(pool, bytes);
      throw CgroupException.of(Errno.ENOSPC, "rdma: %s: adapter memory full (%d bytes)", DEVICE, CAPACITY);
    }
    return allocation(bytes, () -> {
      memory.uncharge(pool, bytes);
      registered.addAndGet(-bytes);
    });
  }
}
