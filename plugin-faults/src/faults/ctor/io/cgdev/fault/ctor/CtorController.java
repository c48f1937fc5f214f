package io.cgdev.fault.ctor;

import io.cgdev.api.spi.*;
import java.util.List;

/** A fault plugin: controller ctor. */
public final class CtorController implements Controller<DeviceState> {
  public CtorController() {
    throw new IllegalStateException("ctor: broken on purpose");
  }

  @Override
  public String name() {
    return "ctor";
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
