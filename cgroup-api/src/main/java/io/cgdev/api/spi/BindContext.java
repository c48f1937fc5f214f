package io.cgdev.api.spi;

import io.cgdev.api.Stability;

/**
 * What the core gives a controller when a device binds to it. Valid until the binding is unbound.
 *
 * @param <S> the controller's state type
 */
@Stability(Stability.Status.STABLE)
public interface BindContext<S extends DeviceState> {
  /** The registration being bound: its name and the resources it offers. */
  DeviceRegistration registration();

  /** The key that finds this binding's state in any cgroup: {@code cgroup.state(key())}. */
  StateKey<S> key();

  /** The root cgroup. */
  CgroupHandle root();

  /**
   * Tells the watchers of one of this binding's per-device files in {@code cgroup} that its content
   * changed (the kernel's {@code cgroup_file_notify}): handles polling it wake, and tree watchers
   * (inotify through the FUSE mount) hear of it. Call it after the change is visible, for files whose
   * kernel counterpart notifies — event counters such as {@code memory.events} (in the cgroup and
   * every ancestor that counted the event) and {@code memory.events.local} — and not for counters that
   * move all the time ({@code cpu.stat}).
   *
   * <p>Any thread, any lock held; lock-free and cheap when nobody watches (one map lookup); never
   * blocks. A removed cgroup is accepted (its handles still poll).
   *
   * @param file the file's name as declared in {@link Controller#deviceFiles()}, without the
   *     controller prefix, e.g. {@code events}
   * @throws IllegalArgumentException if the controller declares no such device file (a bug)
   */
  void notifyChange(CgroupHandle cgroup, String file);
}
