package io.cgdev.controller.cpuset;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.Migration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code cpuset} controller for devices: per device, which engines ({@code cpuset.cpus}) and
 * memory regions ({@code cpuset.mems}) a cgroup may use, with the kernel's exclusive engines and
 * partition roots ({@code cpuset.cpus.exclusive}, {@code cpuset.cpus.partition}). Drivers ask
 * through {@link io.cgdev.api.spi.EngineMask}, obtained from their registration.
 *
 * <p>Found by {@link java.util.ServiceLoader} or handed to the core's builder; the core calls every
 * method under its hierarchy lock. {@link #canAttach} refuses a move with {@code ENOSPC} when the
 * destination may use no engine of some device that has engines. See docs/CPUSET.md.
 */
public final class CpusetController implements Controller<CpusetState> {
  /** Bound devices; hierarchy lock only. */
  private final List<CpusetBinding> bindings = new ArrayList<>();

  /** Creates the controller; the core makes one per hierarchy. */
  public CpusetController() {}

  @Override
  public String name() {
    return "cpuset";
  }

  @Override
  public List<CgroupFile<CpusetState>> deviceFiles() {
    return CpusetFiles.all();
  }

  /**
   * Binds a device.
   *
   * @throws CgroupException {@code EINVAL} if it offers neither engines nor regions, or more than 64
   *     of either
   */
  @Override
  public DeviceBinding<CpusetState> bind(BindContext<CpusetState> context) {
    CpusetBinding binding = new CpusetBinding(this, context);
    bindings.add(binding);
    return binding;
  }

  void unbound(CpusetBinding binding) {
    bindings.remove(binding);
  }

  /**
   * Refuses to move a task into a cgroup whose effective engine set is empty for some bound device
   * that has engines (e.g. a partition root that handed all its engines to child partitions).
   *
   * @throws CgroupException {@code ENOSPC} naming the device and the destination
   */
  @Override
  public void canAttach(Migration migration) {
    for (CpusetBinding b : bindings) {
      if (b.engineCount() == 0) {
        continue;
      }
      CpusetState dest = migration.to().state(b.key());
      if (dest.effective().cpus() == 0) {
        throw CgroupException.of(
            Errno.ENOSPC,
            "cannot move pid %d to %s: cpuset.cpus.effective of device %s is empty there",
            migration.task().pid(), migration.to().path(), b.spec().name());
      }
    }
  }
}
