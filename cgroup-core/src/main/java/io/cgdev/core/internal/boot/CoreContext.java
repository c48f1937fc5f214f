package io.cgdev.core.internal.boot;

import io.cgdev.api.CgroupPath;
import io.cgdev.api.Task;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.core.internal.hierarchy.Hierarchy;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The {@link DriverContext} of a hierarchy: a thin door onto {@link Hierarchy}. Thread-safe. */
public final class CoreContext implements DriverContext {
  private final Hierarchy hierarchy;
  private final Map<String, String> options;
  private final Set<String> controllers;

  public CoreContext(Hierarchy hierarchy, Map<String, String> options) {
    this.hierarchy = hierarchy;
    this.options = Map.copyOf(options);
    Set<String> names = new LinkedHashSet<>();
    hierarchy.controllers().forEach(c -> names.add(c.name()));
    this.controllers = java.util.Collections.unmodifiableSet(names);
  }

  @Override
  public DeviceRegistration register(DeviceSpec spec) {
    return hierarchy.register(spec);
  }

  @Override
  public Set<String> controllers() {
    return controllers;
  }

  @Override
  public CgroupHandle cgroupOf(Task task) {
    return hierarchy.cgroupOf(task);
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
