package io.cgdev.api.spi;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Stability;
import java.util.List;

/**
 * A cgroup controller (the kernel's cgroup_subsys), as a table: a name, its files, a way to bind a
 * device, and attach hooks. Found with {@link java.util.ServiceLoader} ({@code provides
 * io.cgdev.api.spi.Controller with ...}) or handed to the core's builder; one instance per
 * hierarchy, created with its public no-argument constructor.
 *
 * <p>All methods are called by the core while it holds the hierarchy lock, one at a time, so a
 * controller needs no locking of its own for them. Only the file readers, and the capabilities its
 * bindings offer to drivers, run concurrently.
 *
 * @param <S> the per-device state type of this controller
 */
@Stability(Stability.Status.STABLE)
public interface Controller<S extends DeviceState> {
  /**
   * The controller's name, e.g. {@code memory}: a lower-case word ({@code [a-z][a-z0-9_]*}) that
   * prefixes its files and names its {@code <name>.devices} folder. {@code cgroup} and {@code
   * devices} are reserved. Must be constant.
   */
  String name();

  /**
   * Files of the controller itself in each cgroup where it is enabled, e.g. a keyed summary over all
   * devices. Optional; called once at boot.
   */
  default List<CgroupFile<CgroupHandle>> hostFiles() {
    return List.of();
  }

  /**
   * Files each cgroup gets per bound device, under {@code <name>.devices/<device>/}. Called once at
   * boot.
   */
  List<CgroupFile<S>> deviceFiles();

  /**
   * Binds a device registration that asked for this controller: validate the resources it offers and
   * return the per-device object that creates states and serves the capabilities. Called under the
   * hierarchy lock before any state of the device exists.
   *
   * @throws CgroupException {@code EINVAL} if the registration offers nothing this controller can
   *     govern (e.g. no memory regions for the memory controller); the registration then fails
   */
  DeviceBinding<S> bind(BindContext<S> context);

  /**
   * Checks whether a task may move; may refuse. Called under the hierarchy lock, before any
   * controller's {@link #attach}.
   *
   * @throws CgroupException the refusal, e.g. {@code ENOSPC} when the destination may use no engine
   */
  default void canAttach(Migration migration) {}

  /** Undoes what {@link #canAttach} prepared, when another controller refused the same migration. */
  default void cancelAttach(Migration migration) {}

  /** Commits a migration that every controller accepted. Must not throw. */
  default void attach(Migration migration) {}
}
