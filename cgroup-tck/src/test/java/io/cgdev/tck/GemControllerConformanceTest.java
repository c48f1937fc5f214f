package io.cgdev.tck;

import static io.cgdev.tck.ControllerConformance.Write.accepted;
import static io.cgdev.tck.ControllerConformance.Write.refused;

import io.cgdev.api.Errno;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.sample.gem.GemController;
import io.cgdev.sample.gem.api.GemCounting;
import java.util.List;

/** The sample third-party gem controller passes the kit: object counts through its own capability. */
class GemControllerConformanceTest extends ControllerConformance {
  @Override
  protected Controller<?> controller() {
    return new GemController();
  }

  @Override
  protected List<Write> writes() {
    return List.of(
        accepted("gem.max", "5", "5\n"),
        accepted("gem.max", "0", "0\n"),
        accepted("gem.max", "max", "max\n"),
        refused("gem.max", "-1", Errno.ERANGE),
        refused("gem.max", "lots", Errno.EINVAL),
        refused("gem.max", "1K", Errno.EINVAL)); // a count, not a size
  }

  @Override
  protected Charger charger(DeviceRegistration registration) {
    GemCounting gem = registration.capability(GemCounting.class).orElseThrow();
    return cgroup -> {
      gem.charge(cgroup, 1);
      return () -> gem.uncharge(cgroup, 1);
    };
  }
}
