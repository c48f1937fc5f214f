package io.cgdev.fault.bindf;

import io.cgdev.api.spi.*;
import java.util.List;

/** bind throws. */
public final class BindController implements Controller<DeviceState> {
  public BindController() {}

  @Override
  public String name() {
    return "bindf";
  }

  @Override
  public List<CgroupFile<DeviceState>> deviceFiles() {
    return List.of(CgroupFile.readOnly("current", (s, h) -> "0\n"));
  }

  @Override
  public DeviceBinding<DeviceState> bind(BindContext<DeviceState> context) {
    throw new IllegalStateException("bindf: cannot bind " + context.registration().name() + ", broken on purpose");
  }
}
