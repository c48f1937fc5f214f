package io.cgdev.core.internal.boot;

import io.cgdev.api.CgroupPath;
import io.cgdev.api.Subscription;
import io.cgdev.api.Task;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.TaskObserver;
import io.cgdev.core.internal.hierarchy.Hierarchy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link DriverContext} of a hierarchy: a thin door onto {@link Hierarchy}. Thread-safe, except
 * that a {@link #recording()} context is for the one thread probing its driver.
 */
public final class CoreContext implements DriverContext {
  private final Hierarchy hierarchy;
  private final Map<String, String> options;
  private final List<DeviceRegistration> registered;

  public CoreContext(Hierarchy hierarchy, Map<String, String> options) {
    this(hierarchy, Map.copyOf(options), null);
  }

  private CoreContext(Hierarchy hierarchy, Map<String, String> options, List<DeviceRegistration> registered) {
    this.hierarchy = hierarchy;
    this.options = options;
    this.registered = registered;
  }

  /** A context for one driver's probe that remembers what the driver registered ({@link #registered()}). */
  CoreContext recording() {
    return new CoreContext(hierarchy, options, new ArrayList<>());
  }

  /** What was registered through this context, in order; empty unless it is {@link #recording()}. */
  List<DeviceRegistration> registered() {
    return registered == null ? List.of() : registered;
  }

  @Override
  public DeviceRegistration register(DeviceSpec spec) {
    DeviceRegistration r = hierarchy.register(spec);
    if (registered != null) {
      registered.add(r);
    }
    return r;
  }

  @Override
  public Set<String> controllers() {
    return hierarchy.controllers().names();
  }

  @Override
  public CgroupHandle cgroupOf(Task task) {
    return hierarchy.domainOf(task);
  }

  @Override
  public Subscription observeTasks(TaskObserver observer) {
    return hierarchy.observeTasks(observer);
  }

  @Override
  public CgroupHandle root() {
    return hierarchy.root();
  }

  @Override
  public CgroupHandle cgroup(CgroupPath path) {
    return hierarchy.require(path);
  }

  @Override
  public Optional<String> option(String key) {
    return Optional.ofNullable(options.get(key));
  }
}
