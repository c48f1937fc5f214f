package io.cgdev.core.testing;

import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.Migration;
import java.util.List;
import java.util.Optional;

/**
 * A controller named {@code faulty} that throws a raw exception (never a CgroupException) at one
 * chosen point, to check that the core contains plugin faults.
 */
public final class FaultyController implements Controller<FaultyController.State> {
  /** Where it throws. */
  public enum Fault {
    READ, WRITE, BIND, CREATE_STATE_CHILD, CREATE_STATE_ALWAYS, ONLINE_CHILD, OFFLINE, FREE, CAN_ATTACH, ATTACH,
    CHECK_RELEASED, UNBIND, CAPABILITY, DRAINED, NONE
  }

  private final Fault fault;

  public FaultyController(Fault fault) {
    this.fault = fault;
  }

  @Override
  public String name() {
    return "faulty";
  }

  private void maybe(Fault at) {
    if (fault == at) {
      throw new ArithmeticException("faulty: " + at + " broken on purpose");
    }
  }

  @Override
  public List<CgroupFile<State>> deviceFiles() {
    return List.of(CgroupFile.readWrite("value", (s, h) -> {
      maybe(Fault.READ);
      return s.value + "\n";
    }, (s, v, h) -> {
      s.value = 7;
      maybe(Fault.WRITE);
    }));
  }

  @Override
  public DeviceBinding<State> bind(BindContext<State> context) {
    maybe(Fault.BIND);
    return new DeviceBinding<>() {
      @Override
      public State createState(CgroupHandle cgroup, State parent) {
        maybe(Fault.CREATE_STATE_ALWAYS);
        if (!cgroup.isRoot()) {
          maybe(Fault.CREATE_STATE_CHILD);
        }
        return new State(cgroup);
      }

      @Override
      public <T> Optional<T> capability(Class<T> type) {
        maybe(Fault.CAPABILITY);
        return Optional.empty();
      }

      @Override
      public void checkReleased() {
        maybe(Fault.CHECK_RELEASED);
      }

      @Override
      public void unbind() {
        maybe(Fault.UNBIND);
      }
    };
  }

  @Override
  public void canAttach(Migration migration) {
    maybe(Fault.CAN_ATTACH);
  }

  @Override
  public void attach(Migration migration) {
    maybe(Fault.ATTACH);
  }

  /** The state. */
  public final class State implements DeviceState {
    final CgroupHandle cgroup;
    volatile long value;

    State(CgroupHandle cgroup) {
      this.cgroup = cgroup;
    }

    @Override
    public void online() {
      if (!cgroup.isRoot()) {
        maybe(Fault.ONLINE_CHILD);
      }
    }

    @Override
    public void offline() {
      maybe(Fault.OFFLINE);
    }

    @Override
    public void free() {
      maybe(Fault.FREE);
    }

    @Override
    public boolean drained() {
      maybe(Fault.DRAINED);
      return true;
    }
  }
}
