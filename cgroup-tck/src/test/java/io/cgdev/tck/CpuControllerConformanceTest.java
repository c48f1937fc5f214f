package io.cgdev.tck;

import static io.cgdev.tck.ControllerConformance.Write.accepted;
import static io.cgdev.tck.ControllerConformance.Write.refused;

import io.cgdev.api.Errno;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.TimeSharing;
import io.cgdev.controller.cpu.CpuController;
import java.util.List;

/** Our cpu controller passes the kit; an open scheduling client is what it holds for a device. */
class CpuControllerConformanceTest extends ControllerConformance {
  @Override
  protected Controller<?> controller() {
    return new CpuController();
  }

  @Override
  protected List<Write> writes() {
    return List.of(
        accepted("cpu.weight", "50", "50\n"),
        refused("cpu.weight", "0", Errno.ERANGE),
        refused("cpu.weight", "10001", Errno.ERANGE),
        refused("cpu.weight", "heavy", Errno.EINVAL),
        accepted("cpu.weight.nice", "0", "0\n"),
        accepted("cpu.weight", "100", "100\n"),
        refused("cpu.weight.nice", "20", Errno.ERANGE),
        refused("cpu.weight.nice", "-21", Errno.ERANGE),
        accepted("cpu.max", "50000", "50000 100000\n"), // a lone $MAX keeps the period
        accepted("cpu.max", "max 200000", "max 200000\n"),
        accepted("cpu.max", "20000 50000", "20000 50000\n"),
        refused("cpu.max", "500 100000", Errno.EINVAL), // quota below 1000 us: EINVAL, not ERANGE
        refused("cpu.max", "50000 999", Errno.EINVAL),
        accepted("cpu.max", "50000 100000 7", "50000 100000\n"), // sscanf("%20s %llu") ignores a third field
        refused("cpu.max", "+50000", Errno.EINVAL), // %llu takes no sign
        accepted("cpu.max.burst", "1000", "1000\n"));
  }

  @Override
  protected Charger charger(DeviceRegistration registration) {
    TimeSharing time = registration.capability(TimeSharing.class).orElseThrow();
    return cgroup -> {
      TimeSharing.Client client = time.open(cgroup, "tck-client");
      return client::close;
    };
  }
}
