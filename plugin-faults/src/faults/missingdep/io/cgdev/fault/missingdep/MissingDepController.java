package io.cgdev.fault.missingdep;

import io.cgdev.api.spi.*;
import java.util.List;

/** A fault plugin: controller missingdep. */
public final class MissingDepController implements Controller<DeviceState> {
  public MissingDepController() {
    io.cgdev.fault.absent.Absent.hello();
  }

  @Override
  public String name() {
    return "missingdep";
  }

  @Override
  public List<CgroupFile<CgroupHandle>> hostFiles() {
    return List.of();
  }

  @Override
  public List<CgroupFile<DeviceState>> deviceFiles() {
    return List.of();
  }

  @Override
  public DeviceBinding<DeviceState> bind(BindContext<DeviceState> context) {
    return (cgroup, parent) -> new DeviceState() {};
  }
}
