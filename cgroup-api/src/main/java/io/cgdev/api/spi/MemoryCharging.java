package io.cgdev.api.spi;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import io.cgdev.api.Task;

/**
 * The memory controller's capability for a device registration (its memcg/dmem side): charge and
 * uncharge device memory to cgroups. Obtain it from {@link DeviceRegistration#capability}.
 *
 * <p>A registration offers the memory controller exactly one region of device memory (a device with
 * several registers once per region); its index is 0, and {@link #region(String)} gives it by name.
 * Host-memory regions ({@link RegionSpec#host()}) are never charged.
 *
 * <p>Eviction is memcg's swap: when the driver moves a buffer out of device memory into host memory,
 * it moves the buffer's charge from memory to swap ({@link #swapOut}), bounded by {@code
 * memory.swap.max}; freeing the evicted buffer returns the swap ({@link #uncharge(SwapPool, long)}),
 * and bringing it back charges memory again ({@link #swapIn}).
 *
 * <p>All methods are lock-free and may be called from any thread. A charge walks from the cgroup to
 * the root; when it would pass {@code memory.max} somewhere, the controller asks the device's {@link
 * Reclaimer} to evict from the limiting cgroup's subtree (respecting protection), retries a bounded
 * number of times, and only then fails. Charges above {@code memory.high} succeed but trigger reclaim.
 *
 * <p>A charge returns the {@link Pool} it was taken from; keep it with the memory (as a page keeps
 * its memcg) and give the charge back with {@link #uncharge(Pool, long)}. A removed cgroup takes no
 * new charge ({@code ENOENT}), but one that still holds charges stays dying, its pools intact, until
 * every charge taken from them is returned: no charge is lost and none is returned elsewhere.
 */
@Stability(Stability.Status.STABLE)
public interface MemoryCharging {
  /**
   * One cgroup's share of one region of the device (dmem's pool): where a charge was taken from,
   * and so where it goes back to. One pool per cgroup and region for the cgroup's whole life, dying
   * phase included, so pools may be compared with {@code ==}. Made by the controller; drivers only
   * keep and return them.
   */
  interface Pool {
    /** The cgroup charged; it may have been removed since (then it is dying until drained). */
    CgroupHandle cgroup();

    /** The region index, as {@link #region(String)} gives it. */
    int region();
  }

  /**
   * One cgroup's share of the device's swap (memcg's swap counter): where the charge of an evicted
   * buffer went, and so where it goes back to. One per cgroup for its whole life, dying phase
   * included; compare with {@code ==}.
   */
  interface SwapPool {
    /** The cgroup charged; it may have been removed since (then it is dying until drained). */
    CgroupHandle cgroup();
  }

  /** How often {@link #charge(DriverContext, Task, int, long)} reads a task's cgroup again. */
  int STALE_CGROUP_RETRIES = 100;

  /**
   * The index of a region for the other calls.
   *
   * @throws CgroupException {@code EINVAL} if the device registered no region of that name
   */
  int region(String name);

  /**
   * Charges {@code bytes} of a region to a live cgroup and all its ancestors, reclaiming if needed.
   *
   * @return the pool charged: keep it and return the charge with {@link #uncharge(Pool, long)}
   * @throws CgroupException {@code ENOSPC} if the limit still holds after reclaim (the {@code max}
   *     and {@code oom} events are counted at the limiting cgroup), {@code ENOENT} if the cgroup was
   *     removed (a task's cgroup read before it moved and the cgroup was removed: read it again, see
   *     {@link #charge(DriverContext, Task, int, long)}), {@code EINVAL} for a negative size, {@code
   *     ENODEV} after the device unregistered. Nothing stays charged when it throws.
   */
  Pool charge(CgroupHandle cgroup, int region, long bytes);

  /**
   * Charges {@code bytes} of a region to the cgroup {@code task} is in now, as {@link
   * #charge(CgroupHandle, int, long)} does. The task's cgroup is read with {@link
   * DriverContext#cgroupOf}; when it was removed before the charge landed (the task moved away in
   * between), it is read again, as the kernel retries {@code css_tryget_online} on a task's css. The
   * charge goes to a cgroup the task was in during the call.
   *
   * @throws CgroupException what {@link #charge(CgroupHandle, int, long)} throws, except {@code
   *     ENOENT} for a cgroup the task left (unless it moved {@value #STALE_CGROUP_RETRIES} times during
   *     the call); {@code ESRCH} if the task exited
   */
  default Pool charge(DriverContext context, Task task, int region, long bytes) {
    for (int attempt = 1; ; attempt++) {
      CgroupHandle cgroup = context.cgroupOf(task);
      try {
        return charge(cgroup, region, bytes);
      } catch (CgroupException e) {
        if (e.errno() != Errno.ENOENT || cgroup.online() || attempt == STALE_CGROUP_RETRIES) {
          throw e;
        }
      }
    }
  }

  /**
   * Charges without reclaiming.
   *
   * @return the pool charged, or {@code null} when a limit refused the charge (its {@code max} event
   *     counted at the limiting cgroup, no {@code oom} event; nothing charged)
   * @throws CgroupException {@code ENOENT} if the cgroup was removed, {@code ENODEV} after the device
   *     unregistered
   */
  Pool tryCharge(CgroupHandle cgroup, int region, long bytes);

  /**
   * Returns a charge to the pool it was taken from, whatever became of the pool's cgroup since: a
   * removed cgroup is freed once its last charge is back.
   *
   * @throws CgroupException {@code EINVAL} for a pool of another device, a negative size, or more
   *     bytes than are charged there (a driver bug; nothing changes then)
   */
  void uncharge(Pool pool, long bytes);

  /**
   * Returns a charge made earlier to the same cgroup (which may be dying by now): the same as {@link
   * #uncharge(Pool, long)} with that cgroup's pool of the region.
   *
   * @throws CgroupException {@code EINVAL} if that would drive a counter below zero (a driver bug;
   *     nothing changes)
   */
  void uncharge(CgroupHandle cgroup, int region, long bytes);

  /**
   * Asks the device's reclaimer to free {@code bytes} of a region charged below {@code scope},
   * choosing victims by protection; for drivers whose allocator is full or fragmented although no
   * limit is hit.
   *
   * @return bytes freed
   */
  long reclaim(CgroupHandle scope, int region, long bytes);

  /** Bytes of a region charged to a cgroup and its descendants. */
  long usage(CgroupHandle cgroup, int region);

  /**
   * Moves the charge of {@code bytes} of a buffer the driver is evicting from device memory to host
   * memory from memory to swap (memcg's swap-out): charges the swap of the pool's cgroup — of its
   * nearest live ancestor when it was removed, as memcg charges a dead cgroup's swap-out — without
   * reclaim, checking {@code memory.swap.max} on the way to the root, then returns the bytes to
   * {@code pool}. Keep the returned swap pool with the buffer. Lock-free; callable from inside the
   * device's {@link Reclaimer}.
   *
   * @return the swap pool charged, or {@code null} when a {@code memory.swap.max} refused (the
   *     {@code max} and {@code fail} swap events are counted at the cgroup charged; nothing changed:
   *     the buffer must stay in device memory)
   * @throws CgroupException {@code EINVAL} for a pool of another device, a negative size or more
   *     bytes than the pool holds; {@code ENODEV} after the device unregistered
   */
  default SwapPool swapOut(Pool pool, long bytes) {
    return null; // no swap: nothing may be evicted
  }

  /**
   * Brings an evicted buffer back to device memory (memcg's swap-in): charges memory as {@link
   * #charge(CgroupHandle, int, long)} does, reclaiming if needed, to the swap pool's cgroup (its
   * nearest live ancestor when it was removed), then returns the swap.
   *
   * @return the memory pool charged
   * @throws CgroupException what the charge throws ({@code ENOSPC} ...); nothing changed then (the
   *     bytes stay in swap)
   */
  default Pool swapIn(SwapPool swap, long bytes) {
    throw CgroupException.of(Errno.EOPNOTSUPP, "this memory controller has no swap");
  }

  /**
   * Returns the swap of an evicted buffer that is freed.
   *
   * @throws CgroupException {@code EINVAL} for a swap pool of another device, a negative size, or
   *     more bytes than are in swap there (a driver bug; nothing changes then)
   */
  default void uncharge(SwapPool swap, long bytes) {
    throw CgroupException.of(Errno.EINVAL, "this memory controller has no swap");
  }

  /** Bytes in swap (evicted buffers) of a cgroup and its descendants. */
  default long swapUsage(CgroupHandle cgroup) {
    return 0;
  }
}
