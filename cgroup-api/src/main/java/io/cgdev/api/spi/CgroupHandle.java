package io.cgdev.api.spi;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Stability;

/**
 * A cgroup as plugins see it. Handles are stable: one cgroup, one handle, for its whole life, so
 * they may be compared with {@code ==} and kept (e.g. as the owner of a charge) after the cgroup was
 * removed. All methods are thread-safe and lock-free.
 */
@Stability(Stability.Status.STABLE)
public interface CgroupHandle {
  /** The cgroup's path; stays readable after removal. */
  CgroupPath path();

  /** A dense id, unique among cgroups alive at the same time; the root is 0. */
  int id();

  /** The parent, or {@code null} for the root. */
  CgroupHandle parent();

  /** 0 for the root, 1 for its children, ... */
  int level();

  default boolean isRoot() {
    return parent() == null;
  }

  /** False once the cgroup was removed (it may still be dying: holding charges). */
  boolean online();

  /** True if this cgroup is {@code ancestor} or lies below it. */
  default boolean isDescendantOf(CgroupHandle ancestor) {
    for (CgroupHandle c = this; c != null; c = c.parent()) {
      if (c == ancestor) {
        return true;
      }
    }
    return false;
  }

  /**
   * This cgroup's state for one (controller, device registration) pair. O(1), no lock: the hot-path
   * way from a cgroup to a controller's per-device counters.
   *
   * @throws CgroupException {@code ENODEV} if the registration behind {@code key} was unregistered
   */
  <S extends DeviceState> S state(StateKey<S> key);
}
