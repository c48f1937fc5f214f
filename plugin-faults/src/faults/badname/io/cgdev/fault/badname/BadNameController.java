package io.cgdev.fault.badname;

import io.cgdev.api.spi.*;
import java.util.List;

/** A fault plugin: controller Bad-Name. */
public final class BadNameController implements Controller<DeviceState> {
  public BadNameController() {}

  @Override
  public String name() {
    return "Bad-Name";
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
