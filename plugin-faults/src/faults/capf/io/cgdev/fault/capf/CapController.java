package io.cgdev.fault.capf;

import io.cgdev.api.spi.*;
import java.util.List;

import java.util.Optional;

/** A binding whose capability throws. */
public final class CapController implements Controller<DeviceState> {
  public CapController() {}

  @Override
  public String name() {
    return "capf";
  }

  @Override
  public List<CgroupFile<DeviceState>> deviceFiles() {
    return List.of();
  }

  @Override
  public DeviceBinding<DeviceState> bind(BindContext<DeviceState> context) {
    return new DeviceBinding<>() {
      @Override
      public DeviceState createState(CgroupHandle cgroup, DeviceState parent) {
        return new DeviceState() {};
      }

      @Override
      public <T> Optional<T> capability(Class<T> type) {
        throw new ClassCastException("capf: capability lookup broken on purpose");
      }
    };
  }
}
