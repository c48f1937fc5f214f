package io.cgdev.core.internal.boot;

import io.cgdev.api.CgroupException;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DriverProvider;
import io.cgdev.core.internal.guard.Diagnostics;
import io.cgdev.core.internal.guard.Plugin;
import java.util.ArrayList;
import java.util.List;

/**
 * Probes and removes drivers, each on its own guard: a driver whose probe throws is reported ({@code
 * CGDEV-DRIVER-PROBE-FAILED}), the devices it registered before failing are unregistered, and the
 * other drivers go on; a driver whose remove throws is reported ({@code CGDEV-DRIVER-REMOVE-FAILED})
 * and the others are still removed. Runs without the hierarchy lock, on the booting (closing) thread.
 */
public final class DriverHost {
  private DriverHost() {}

  /** Probes every driver; returns those whose probe succeeded, in order. */
  public static List<DriverProvider> probe(List<DriverProvider> drivers, CoreContext context, Diagnostics diagnostics) {
    List<DriverProvider> ok = new ArrayList<>();
    for (DriverProvider d : drivers) {
      CoreContext rc = context.recording();
      try {
        d.probe(rc);
        ok.add(d);
      } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
        StringBuilder msg = new StringBuilder(Plugin.driver(safeName(d), d.getClass()).describe())
            .append(" failed to probe and was skipped: ").append(Diagnostics.describe(e));
        for (DeviceRegistration r : rc.registered().reversed()) {
          try {
            if (r.registered()) {
              r.unregister();
            }
          } catch (RuntimeException ce) {
            msg.append("; its device ").append(r.name()).append(" stays registered: ").append(ce.getMessage());
          }
        }
        diagnostics.report("CGDEV-DRIVER-PROBE-FAILED", msg.toString(), e);
      }
    }
    return List.copyOf(ok);
  }

  /** Calls every driver's {@link DriverProvider#remove()}, last probed first. */
  public static void remove(List<DriverProvider> drivers, Diagnostics diagnostics) {
    for (DriverProvider d : drivers.reversed()) {
      try {
        d.remove();
      } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
        diagnostics.report("CGDEV-DRIVER-REMOVE-FAILED", Plugin.driver(safeName(d), d.getClass()).describe()
            + " threw in remove(): " + Diagnostics.describe(e), e);
      }
    }
  }

  /** The driver's name, or its class's simple name if {@code name()} throws. */
  public static String safeName(DriverProvider d) {
    try {
      return d.name();
    } catch (RuntimeException | LinkageError e) {
      return d.getClass().getSimpleName();
    }
  }
}
