package io.cgdev.api.spi;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import io.cgdev.api.Task;
import java.util.List;
import java.util.Set;

/**
 * What a driver offers the tools that exercise its devices as their users would: the simulator
 * ({@code cgdev run}, {@code cgdev mount --scenario}) and the conformance kit allocate device memory
 * in a named region and submit work through it. A {@link DriverProvider} implements it next to its
 * own interface; a driver without it still registers and is governed, but the simulator reports that
 * its devices cannot run workloads and the kit needs hand-written callbacks.
 *
 * <p>Called after {@link DriverProvider#probe} returned, from any thread (the simulator's, the kit's
 * test thread, the live mode's thread), never under the hierarchy lock. Every method may be called
 * again after {@link DriverProvider#remove}: then {@link #devices()} is empty and the others fail
 * with {@code ENODEV}.
 *
 * <p>Experimental: the simulator is the one user of this interface besides the kit, and its needs
 * may still grow (e.g. buffer sharing).
 */
@Stability(value = Stability.Status.EXPERIMENTAL, since = "0.2")
public interface DeviceWorkloads {
  /** The registrations this driver made and can exercise, by name (e.g. {@code rdma0}); empty after remove. */
  List<String> devices();

  /**
   * The regions of {@code device} memory may be allocated in, in the driver's order.
   *
   * @throws CgroupException {@code ENODEV} for a device this driver does not have (now)
   */
  List<String> regions(String device);

  /**
   * Allocates {@code bytes} of {@code region} on behalf of {@code task}, charged per the charging
   * policy (docs/CHARGING_POLICY.md) to the cgroup the task is in now.
   *
   * @return the allocation; closing it frees the memory and returns the charge (idempotent)
   * @throws CgroupException {@code ENOSPC} (or {@code ENOMEM}) when a limit or the device refuses,
   *     having charged nothing; {@code EINVAL} for an unknown region or a bad size; {@code ENODEV}
   *     for an unknown device or after remove
   */
  Allocation allocate(String device, String region, Task task, long bytes);

  /**
   * The engine classes {@code device} runs work on (e.g. {@code compute}); empty, the default, for a
   * device that only holds memory.
   */
  default Set<String> engineClasses(String device) {
    return Set.of();
  }

  /**
   * Runs {@code nanos} of work of {@code task} on an engine of the given class, accounted per the
   * charging policy to the task's cgroup (e.g. in {@code cpu.stat}).
   *
   * @throws CgroupException {@code EOPNOTSUPP} if the device runs no work of that class (the
   *     default), {@code ENODEV} for an unknown device or after remove
   */
  default void submit(String device, Task task, String engineClass, long nanos) {
    throw CgroupException.of(Errno.EOPNOTSUPP, "device %s runs no work (engine class %s)", device, engineClass);
  }

  /** Device memory allocated by {@link #allocate}. */
  interface Allocation extends AutoCloseable {
    /** The bytes allocated. */
    long bytes();

    /** Frees the memory and returns its charge; idempotent. Must not throw. */
    @Override
    void close();
  }
}
