package io.cgdev.fault.dupfiles;

import io.cgdev.api.spi.*;
import java.util.List;

/** A fault plugin: controller dupfiles. */
public final class DupFilesController implements Controller<DeviceState> {
  public DupFilesController() {}

  @Override
  public String name() {
    return "dupfiles";
  }

  @Override
  public List<CgroupFile<CgroupHandle>> hostFiles() {
    return List.of(CgroupFile.readOnly("x", (c, h) -> "1\n"), CgroupFile.readOnly("x", (c, h) -> "2\n"));
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
