package io.cgdev.fault.mkdirf;

import io.cgdev.api.spi.*;
import java.util.List;

/** createState throws for cgroups whose name starts with mk-bad. */
public final class MkdirController implements Controller<DeviceState> {
  public MkdirController() {}

  @Override
  public String name() {
    return "mkdirf";
  }

  @Override
  public List<CgroupFile<DeviceState>> deviceFiles() {
    return List.of(CgroupFile.readOnly("current", (s, h) -> "0\n"));
  }

  @Override
  public DeviceBinding<DeviceState> bind(BindContext<DeviceState> context) {
    return (cgroup, parent) -> {
      if (cgroup.path().name().startsWith("mk-bad")) {
        throw new NullPointerException("mkdirf: no state for " + cgroup.path() + ", broken on purpose");
      }
      return new DeviceState() {};
    };
  }
}
