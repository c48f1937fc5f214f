package io.cgdev.fault.reader;

import io.cgdev.api.spi.*;
import java.util.List;

/** A fault plugin: controller readerf. */
public final class ReaderController implements Controller<DeviceState> {
  public ReaderController() {}

  @Override
  public String name() {
    return "readerf";
  }

  @Override
  public List<CgroupFile<CgroupHandle>> hostFiles() {
    return List.of(CgroupFile.readOnly("stat", (c, h) -> (1 / (c.level() - c.level())) + "\n"), CgroupFile.readOnly("ok", (c, h) -> "fine\n"));
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
