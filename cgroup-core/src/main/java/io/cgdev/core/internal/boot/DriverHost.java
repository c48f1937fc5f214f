package io.cgdev.core.internal.boot;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Task;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.DriverProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Probes drivers, each on its own guard: a driver whose probe throws is reported ({@code
 * CGDEV-DRIVER-PROBE-FAILED}), the devices it registered before failing are unregistered, and the
 * other drivers go on. Runs on the booting thread without the hierarchy lock.
 */
public final class DriverHost {
  private DriverHost() {}

  /** Probes every driver; returns those whose probe succeeded, in order. */
  public static List<DriverProvider> probe(List<DriverProvider> drivers, CoreContext context, Diagnostics diagnostics) {
    List<DriverProvider> ok = new ArrayList<>();
    for (DriverProvider d : drivers) {
      Recording rc = new Recording(context);
      try {
        d.probe(rc);
        ok.add(d);
      } catch (RuntimeException | LinkageError e) {
        StringBuilder msg = new StringBuilder("driver ").append(safeName(d)).append(" (").append(d.getClass().getName())
            .append(", ").append(Diagnostics.origin(d.getClass())).append(") failed to probe and was skipped: ")
            .append(Diagnostics.describe(e));
        for (DeviceRegistration r : rc.registered.reversed()) {
          try {
            if (r.registered()) {
              r.unregister();
            }
          } catch (CgroupException ce) {
            msg.append("; its device ").append(r.name()).append(" stays registered: ").append(ce.getMessage());
          }
        }
        diagnostics.report("CGDEV-DRIVER-PROBE-FAILED", msg.toString(), e);
      }
    }
    return List.copyOf(ok);
  }

  static String safeName(DriverProvider d) {
    try {
      return d.name();
    } catch (RuntimeException e) {
      return d.getClass().getSimpleName();
    }
  }

  /** A context that remembers what one driver registered during its probe. */
  private static final class Recording implements DriverContext {
    private final DriverContext delegate;
    private final List<DeviceRegistration> registered = new ArrayList<>();

    Recording(DriverContext delegate) {
      this.delegate = delegate;
    }

    @Override
    public DeviceRegistration register(DeviceSpec spec) {
      DeviceRegistration r = delegate.register(spec);
      registered.add(r);
      return r;
    }

    @Override
    public Set<String> controllers() {
      return delegate.controllers();
    }

    @Override
    public CgroupHandle cgroupOf(Task task) {
      return delegate.cgroupOf(task);
    }

    @Override
    public CgroupHandle root() {
      return delegate.root();
    }

    @Override
    public CgroupHandle cgroup(CgroupPath path) {
      return delegate.cgroup(path);
    }

    @Override
    public Optional<String> option(String key) {
      return delegate.option(key);
    }
  }
}
