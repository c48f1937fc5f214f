package io.cgdev.api.spi;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import io.cgdev.api.Subscription;
import io.cgdev.api.Task;
import java.util.Optional;
import java.util.Set;

/**
 * The narrow door a driver gets to the cgroup framework: register devices and find the cgroup a
 * task is in. Thread-safe; valid for the hierarchy's life.
 */
@Stability(Stability.Status.STABLE)
public interface DriverContext {
  /**
   * Registers a device with the controllers its spec names: every live cgroup gets a state for each
   * of them (parents first) and their files appear.
   *
   * @throws CgroupException {@code EEXIST} if the device name is taken, {@code ENOENT} naming a
   *     controller that is not present, {@code EINVAL} if a controller cannot govern what is offered
   */
  DeviceRegistration register(DeviceSpec spec);

  /** The names of the controllers present in this hierarchy. */
  Set<String> controllers();

  /**
   * The cgroup a live task's device work is accounted to now (a charge made now goes there): the
   * cgroup of its main thread, or, when that is a threaded cgroup, the domain of its threaded subtree
   * ({@code cgroup.type} {@code domain threaded}) — cgdev's controllers are domain controllers, which
   * the kernel accounts at the threaded domain.
   *
   * @throws CgroupException {@code ESRCH} if the task has exited
   */
  CgroupHandle cgroupOf(Task task);

  /**
   * Tells {@code observer} when tasks freeze, thaw or are killed, until the subscription is closed;
   * see {@link TaskObserver} for when and on which thread. Call it without holding a lock the
   * observer takes (it takes the hierarchy lock briefly).
   *
   * @throws CgroupException {@code EOPNOTSUPP} if this context reports no task states (a test double)
   */
  default Subscription observeTasks(TaskObserver observer) {
    throw new CgroupException(Errno.EOPNOTSUPP, "this driver context reports no task states");
  }

  /** The root cgroup. */
  CgroupHandle root();

  /**
   * The live cgroup at a path.
   *
   * @throws CgroupException {@code ENOENT} if there is none
   */
  CgroupHandle cgroup(CgroupPath path);

  /** A configuration value given at boot, e.g. {@code i915.descriptor}. */
  Optional<String> option(String key);
}
