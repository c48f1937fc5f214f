package io.cgdev.core.testing.discovery;

import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.DeviceState;
import java.util.List;

/** A controller found by discovery in tests; depends on the api only (it is loaded by its own loader). */
public class DiscoController implements Controller<DiscoController.State> {
  @Override
  public String name() {
    return "disco";
  }

  @Override
  public List<CgroupFile<State>> deviceFiles() {
    return List.of(CgroupFile.readOnly("level", (s, h) -> s.cgroup.level() + "\n"));
  }

  @Override
  public DeviceBinding<State> bind(BindContext<State> context) {
    return (cgroup, parent) -> new State(cgroup);
  }

  /** Its state. */
  public record State(CgroupHandle cgroup) implements DeviceState {}
}
