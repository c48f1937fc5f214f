package io.cgdev.plugin.support;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Stability;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DriverContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Registers a device with those of the controllers it can use that the hierarchy has, so a driver
 * works with whatever set of controllers the user installed:
 *
 * <pre>{@code
 * public void probe(DriverContext ctx) {
 *   registration = Registrar.registerWithPresent(ctx,
 *       DeviceSpec.builder("acc0", name()).region(new RegionSpec("hbm", 16L << 30)), "memory", "power")
 *       .orElse(null);                 // none present: the device stays out of the file view
 * }
 * }</pre>
 */
@Stability(value = Stability.Status.STABLE, since = "0.2")
public final class Registrar {
  private Registrar() {}

  /**
   * The controllers among {@code wanted} that {@code context} has, in the order wanted.
   */
  public static List<String> present(DriverContext context, String... wanted) {
    List<String> out = new ArrayList<>();
    for (String c : wanted) {
      if (context.controllers().contains(c) && !out.contains(c)) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * Adds the present ones of {@code wanted} to {@code spec} and registers it.
   *
   * @return the registration, or empty if none of {@code wanted} is present (nothing registered)
   * @throws CgroupException what {@link DriverContext#register} throws
   */
  public static Optional<DeviceRegistration> registerWithPresent(DriverContext context, DeviceSpec.Builder spec,
      String... wanted) {
    List<String> present = present(context, wanted);
    if (present.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(context.register(spec.controllers(present.toArray(String[]::new)).build()));
  }
}
