package io.cgdev.fault.relf;

import io.cgdev.api.spi.*;
import java.util.List;

/** checkReleased throws. */
public final class RelController implements Controller<DeviceState> {
  public RelController() {}

  @Override
  public String name() {
    return "relf";
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
      public void checkReleased() {
        throw new IllegalStateException("relf: checkReleased broken on purpose");
      }
    };
  }
}
