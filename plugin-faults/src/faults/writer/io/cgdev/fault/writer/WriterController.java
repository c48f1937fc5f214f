package io.cgdev.fault.writer;

import io.cgdev.api.spi.*;
import java.util.List;

/** A fault plugin: controller writerf. */
public final class WriterController implements Controller<DeviceState> {
  public WriterController() {}

  @Override
  public String name() {
    return "writerf";
  }

  @Override
  public List<CgroupFile<CgroupHandle>> hostFiles() {
    return List.of(CgroupFile.readWrite("max", (c, h) -> "max\n", (c, v, h) -> { String s = null; s.length(); }));
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
