package io.cgdev.tck;

import io.cgdev.api.Task;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DriverProvider;
import java.util.List;
import java.util.Map;

/**
 * What a driver author gives the kit so that it can exercise the driver: a fresh provider, the
 * controllers to boot with, and callbacks that allocate, free and share device memory as the
 * driver's users would (e.g. GEM create, close, prime export/import). One instance per test; the kit
 * calls {@link #provider()} once, boots a hierarchy with it, then uses the callbacks on the test
 * thread.
 *
 * <p>Five methods are required; the rest are optional capabilities with defaults that fit a driver
 * charging pinned bytes of one region to the memory controller: {@link #evictable()} (false), {@link
 * #meters()} (the region's bytes), {@link Buffer#share} (unsupported: the sharing test is skipped),
 * {@link #options()} (none) and {@link #allocationSize()} (64 KiB). A driver with several regions
 * lists them in {@link #regions()} and allocates in each with {@link #allocate(Task, String, long)}:
 * every charging check then runs in every region.
 *
 * <p>A driver that implements {@link io.cgdev.api.spi.DeviceWorkloads} needs none of this: {@link
 * #of} makes the whole object from a provider and its controllers, with every region the driver
 * names.
 */
public interface DriverUnderTest {
  /**
   * A driver under test driven through its {@link io.cgdev.api.spi.DeviceWorkloads}: regions and
   * allocations come from the driver (after it was probed), every region is checked, and bytes of
   * each region are metered in {@code memory.current} unless {@code meters} are given.
   *
   * @param provider a new, unprobed driver that implements {@code DeviceWorkloads}
   * @param controllers the controllers its devices register with
   * @param device the registration to check, e.g. {@code acc0}
   */
  static DriverUnderTest of(DriverProvider provider, List<Controller<?>> controllers, String device) {
    return new WorkloadsUnderTest(provider, controllers, device);
  }
  /** A new, unprobed driver instance. */
  DriverProvider provider();

  /** The controllers the driver's devices register with (new instances). */
  List<Controller<?>> controllers();

  /** Boot options for the driver, e.g. a descriptor path. */
  default Map<String, String> options() {
    return Map.of();
  }

  /** The name of the registration whose memory the callbacks charge, e.g. {@code i915.0}. */
  String device();

  /** The memory region the callbacks allocate in, e.g. {@code local0}; used by the default {@link #meters()}. */
  String region();

  /**
   * Every region the kit allocates in, each checked by every charging test; by default {@link
   * #region()} alone. Called after the driver was probed.
   */
  default List<String> regions() {
    return List.of(region());
  }

  /**
   * Whether allocations in {@code region} can be evicted under its limit (see {@link #evictable()});
   * by default {@link #evictable()} for {@link #region()} and false for the others.
   */
  default boolean evictable(String region) {
    return region.equals(region()) && evictable();
  }

  /**
   * Whether the driver can make room under {@code memory.max} by evicting an idle allocation (its
   * device spec has a {@link io.cgdev.api.spi.Reclaimer} that moves or frees buffers), so that a
   * second allocation over the limit succeeds. False by default, as {@link
   * io.cgdev.api.spi.Reclaimer#NONE} is the default of a device spec: a second allocation over the
   * limit must then fail with {@code ENOSPC}. Used by the default {@link #meters()}.
   */
  default boolean evictable() {
    return false;
  }

  /**
   * Every quantity one {@link #allocate(Task, long)} charges, as files show it. By default the bytes of {@link
   * #region()} in {@link #device()}'s {@code memory.current}; a driver that also (or only) counts
   * objects with another controller lists that too, e.g. {@code List.of(Meter.bytes("vgem0", "vram"),
   * Meter.count("gem", "vgem0"))}. The kit checks each meter after every step: charged at create, to
   * the creator's cgroup only, once when shared, all or nothing when a limit refuses, and back to zero
   * at free. Must not be empty.
   */
  default List<Meter> meters() {
    List<Meter> out = new java.util.ArrayList<>();
    for (String r : regions()) {
      Meter bytes = Meter.bytes(device(), r);
      out.add(evictable(r) ? bytes.withEviction() : bytes);
    }
    return out;
  }

  /** A size the driver can allocate in {@link #region()} several times over, a page multiple. */
  default long allocationSize() {
    return 64 * 1024;
  }

  /**
   * Allocates {@code bytes} of {@link #region()} on behalf of {@code task}, charged per the policy to
   * the task's cgroup. Called after the driver was probed, and once after it was removed (which must
   * fail with a {@link io.cgdev.api.CgroupException} {@code ENODEV}).
   *
   * @throws io.cgdev.api.CgroupException {@code ENOSPC} (or {@code ENOMEM}) when a limit refuses,
   *     having charged nothing; {@code ENODEV} after the driver was removed
   */
  Buffer allocate(Task task, long bytes);

  /**
   * Allocates {@code bytes} of {@code region}, as {@link #allocate(Task, long)} does for {@link
   * #region()} (the default, which supports that region only).
   *
   * @throws UnsupportedOperationException for another region: override it when {@link #regions()}
   *     names more than one
   */
  default Buffer allocate(Task task, String region, long bytes) {
    if (!region.equals(region())) {
      throw new UnsupportedOperationException("allocate(task, region, bytes) is not implemented for region " + region);
    }
    return allocate(task, bytes);
  }

  /** A buffer made by {@link #allocate(Task, long)}, or a second reference to one made by {@link Buffer#share}. */
  interface Buffer {
    /** Drops this reference; the memory is uncharged when the last reference goes. */
    void free();

    /**
     * Gives another task a reference to the same memory (e.g. dma-buf import); the policy says the
     * memory stays charged once, to the creator.
     *
     * @throws UnsupportedOperationException if the driver cannot share; the sharing test is then skipped
     */
    default Buffer share(Task importer) {
      throw new UnsupportedOperationException("this driver does not share buffers");
    }
  }
}
