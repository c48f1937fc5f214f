package io.cgdev.core;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.Tasks;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DriverProvider;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A booted cgroup hierarchy with its controllers and drivers: the core's only exported type.
 * (Placeholder of the public shape; the implementation lands with the core.)
 */
public final class Cgroups implements AutoCloseable {
  private Cgroups() {}

  /** Starts a builder; ServiceLoader discovery is on by default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The file view. */
  public CgroupFs fs() {
    throw new UnsupportedOperationException("not yet");
  }

  /** The modelled process table. */
  public Tasks tasks() {
    throw new UnsupportedOperationException("not yet");
  }

  /** Names of the controllers present. */
  public Set<String> controllers() {
    throw new UnsupportedOperationException("not yet");
  }

  /** The probed drivers. */
  public List<DriverProvider> drivers() {
    throw new UnsupportedOperationException("not yet");
  }

  /** The probed driver of the given type. */
  public <T extends DriverProvider> Optional<T> driver(Class<T> type) {
    return drivers().stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  @Override
  public void close() {}

  /** Builds a {@link Cgroups}. */
  public static final class Builder {
    private Builder() {}

    public Builder controller(Controller<?> controller) {
      return this;
    }

    public Builder driver(DriverProvider driver) {
      return this;
    }

    public Cgroups build() {
      return new Cgroups();
    }
  }
}
