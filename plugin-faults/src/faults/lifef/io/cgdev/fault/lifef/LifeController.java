package io.cgdev.fault.lifef;

import io.cgdev.api.spi.*;
import java.util.List;

/** offline and free throw for cgroups named life-*. */
public final class LifeController implements Controller<DeviceState> {
  public LifeController() {}

  @Override
  public String name() {
    return "lifef";
  }

  @Override
  public List<CgroupFile<DeviceState>> deviceFiles() {
    return List.of(CgroupFile.readOnly("current", (s, h) -> "0\n"));
  }

  @Override
  public DeviceBinding<DeviceState> bind(BindContext<DeviceState> context) {
    return (cgroup, parent) -> new DeviceState() {
      @Override
      public void offline() {
        if (cgroup.path().name().startsWith("life-")) {
          throw new IllegalStateException("lifef: offline failed, broken on purpose");
        }
      }

      @Override
      public void free() {
        if (cgroup.path().name().startsWith("life-")) {
          throw new IllegalStateException("lifef: free failed, broken on purpose");
        }
      }
    };
  }
}
