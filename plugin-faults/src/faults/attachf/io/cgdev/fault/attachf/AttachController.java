package io.cgdev.fault.attachf;

import io.cgdev.api.spi.*;
import java.util.List;

/** A fault plugin: controller attachf. */
public final class AttachController implements Controller<DeviceState> {
  public AttachController() {}

  @Override
  public String name() {
    return "attachf";
  }

  @Override
  public List<CgroupFile<CgroupHandle>> hostFiles() {
    return List.of(CgroupFile.readOnly("ok", (c, h) -> "fine\n"));
  }

  @Override
  public List<CgroupFile<DeviceState>> deviceFiles() {
    return List.of();
  }

  @Override
  public DeviceBinding<DeviceState> bind(BindContext<DeviceState> context) {
    return (cgroup, parent) -> new DeviceState() {};
  }

  @Override
  public void canAttach(Migration m) {
    if (m.to().path().name().startsWith("attach-bad")) {
      throw new IllegalArgumentException("attachf: refuses " + m.to().path() + " the wrong way, broken on purpose");
    }
  }

  @Override
  public void attach(Migration m) {
    if (m.to().path().name().startsWith("attach-odd")) {
      throw new IllegalStateException("attachf: attach failed, broken on purpose");
    }
  }
}
