package io.cgdev.plugin.support;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceWorkloads;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.DriverProvider;
import io.cgdev.api.spi.MemoryCharging;
import java.util.List;
import java.util.Optional;

/**
 * The part of a driver with one device and one memory region that every such driver writes the same
 * way: it keeps the registration {@link #probe} made, lists the device while it is registered,
 * answers {@code ENODEV} for another device, before probe and after {@link #remove}, {@code EINVAL}
 * for another region, and unplugs on {@link #remove}; it looks up the memory controller's charging
 * for the region ({@link #memory()}, {@link #memoryRegion()}). A driver extends it, registers in {@link
 * #register}, looks its other capabilities up in {@link #registered}, and implements {@link #allocate}
 * starting with {@link #checked} and ending with {@link #allocation}:
 *
 * <pre>{@code
 * public final class AccelDriver extends SingleDeviceDriver {
 *   public AccelDriver() { super("accel", "acc0", "hbm", "device"); }
 *   protected Optional<DeviceRegistration> register(DriverContext ctx) {
 *     return Registrar.registerWithPresent(ctx, DeviceSpec.builder(device(), name())
 *         .region(new RegionSpec(region(), 16L << 30)), "memory");
 *   }
 *   public Allocation allocate(String device, String region, Task task, long bytes) {
 *     DriverContext ctx = checked(device, region);
 *     MemoryCharging.Pool pool = memory().charge(ctx, task, memoryRegion(), bytes);
 *     return allocation(bytes, () -> memory().uncharge(pool, bytes));
 *   }
 * }
 * }</pre>
 *
 * <p>Thread-safe: what probe sets is published through volatile fields after {@link #registered}
 * returned, so a caller that sees the device sees the capabilities too.
 */
@Stability(value = Stability.Status.EXPERIMENTAL, since = "0.3")
public abstract class SingleDeviceDriver implements DriverProvider, DeviceWorkloads {
  private final String name;
  private final String device;
  private final String region;
  private final String noun;
  private volatile DriverContext context;
  private volatile MemoryCharging memory;
  private volatile int memoryRegion = -1;
  private volatile DeviceRegistration registration;
  private volatile boolean removed;

  /**
   * @param name the driver's name
   * @param device the one device it registers
   * @param region the device's one memory region
   * @param noun what the device is called in messages, e.g. {@code device} or {@code adapter}
   */
  protected SingleDeviceDriver(String name, String device, String region, String noun) {
    this.name = name;
    this.device = device;
    this.region = region;
    this.noun = noun;
  }

  @Override
  public final String name() {
    return name;
  }

  /** The device this driver registers. */
  public final String device() {
    return device;
  }

  /** Its one memory region. */
  public final String region() {
    return region;
  }

  /**
   * Registers the device, once, from {@link #probe}.
   *
   * @return the registration, or empty when nothing would govern the device (it stays out of the
   *     file view and this driver lists no device)
   * @throws CgroupException what {@link DriverContext#register} throws
   */
  protected abstract Optional<DeviceRegistration> register(DriverContext context);

  /**
   * Called once with the registration {@link #register} made, after {@link #memory()} is set and
   * before the device is listed: look other capabilities up here. Does nothing by default.
   */
  protected void registered(DeviceRegistration registration) {}

  /** The memory controller's charging for the device, or null when it is not bound to it (or before probe). */
  protected final MemoryCharging memory() {
    return memory;
  }

  /** The index of the device's region in {@link #memory()}'s numbering; -1 without it. */
  protected final int memoryRegion() {
    return memoryRegion;
  }

  @Override
  public final void probe(DriverContext ctx) {
    DeviceRegistration reg = register(ctx).orElse(null);
    if (reg == null) {
      return;
    }
    MemoryCharging m = reg.capability(MemoryCharging.class).orElse(null);
    this.memoryRegion = m == null ? -1 : m.region(region);
    this.memory = m;
    registered(reg);
    this.context = ctx;
    this.registration = reg;
  }

  @Override
  public final List<String> devices() {
    return registration == null || removed ? List.of() : List.of(device);
  }

  @Override
  public final List<String> regions(String dev) {
    checked(dev, region);
    return List.of(region);
  }

  /**
   * The context a call on {@code dev} and {@code regionName} works with.
   *
   * @throws CgroupException {@code ENODEV} for another device, before probe or after remove;
   *     {@code EINVAL} for another region
   */
  protected final DriverContext checked(String dev, String regionName) {
    DriverContext ctx = context;
    if (!device.equals(dev) || ctx == null || removed) {
      throw CgroupException.of(Errno.ENODEV, "%s: no %s %s", name, noun, dev);
    }
    if (!region.equals(regionName)) {
      throw CgroupException.of(Errno.EINVAL, "%s: %s has no region %s (it has %s)", name, dev, regionName, region);
    }
    return ctx;
  }

  /**
   * An allocation of {@code bytes} whose first {@code close()} runs {@code free} (later ones do
   * nothing); {@code free} must not throw.
   */
  protected static Allocation allocation(long bytes, Runnable free) {
    return new Allocation() {
      private boolean closed;

      @Override
      public long bytes() {
        return bytes;
      }

      @Override
      public synchronized void close() {
        if (!closed) {
          closed = true;
          free.run();
        }
      }
    };
  }

  /**
   * Unplugs the device. While something is still charged a controller refuses ({@code EBUSY}): the
   * device then stays registered so that those charges go back where they came from when they are
   * returned, and only new allocations are refused ({@code ENODEV}).
   */
  @Override
  public final void remove() {
    removed = true;
    DeviceRegistration reg = registration;
    if (reg != null && reg.registered()) {
      try {
        reg.unregister();
      } catch (CgroupException e) {
        // still charged: the charges return when their holders close; the device goes with the hierarchy
      }
    }
  }
}
