package io.cgdev.fault.statef;

import io.cgdev.api.spi.*;
import java.util.List;

/** createState always throws. */
public final class StateController implements Controller<DeviceState> {
  public StateController() {}

  @Override
  public String name() {
    return "statef";
  }

  @Override
  public List<CgroupFile<DeviceState>> deviceFiles() {
    return List.of(CgroupFile.readOnly("current", (s, h) -> "0\n"));
  }

  @Override
  public DeviceBinding<DeviceState> bind(BindContext<DeviceState> context) {
    return (cgroup, parent) -> {
      throw new UnsupportedOperationException("statef: no state at all, broken on purpose");
    };
  }
}
