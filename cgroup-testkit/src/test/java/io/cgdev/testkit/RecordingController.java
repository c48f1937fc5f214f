package io.cgdev.testkit;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Numbers;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.FileFlag;
import io.cgdev.api.spi.Migration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A controller for testing the kit: it logs every hook the kit calls, in order, and offers a small
 * capability ({@link Holding}) whose held amounts keep states undrained and the device unreleased.
 */
final class RecordingController implements Controller<RecordingController.State> {
  /** The capability a driver would use: hold and release amounts in a cgroup. */
  interface Holding {
    void hold(CgroupHandle cgroup, long amount);

    void release(CgroupHandle cgroup, long amount);
  }

  final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private final String name;
  /** Path whose canAttach is refused with ENOSPC, or null. */
  volatile String refuseAttachTo;

  RecordingController() {
    this("rec");
  }

  RecordingController(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<CgroupFile<State>> deviceFiles() {
    return List.of(
        CgroupFile.readWrite("value", (s, h) -> s.value + "\n", (s, v, h) -> s.value = Numbers.parseLong(v, "value"),
            FileFlag.NOT_ON_ROOT),
        CgroupFile.readOnly("stat", (s, h) -> "held " + s.held + "\nvalue " + s.value + "\n"),
        CgroupFile.readOnly("capacity", (s, h) -> "100\n", FileFlag.ONLY_ON_ROOT),
        CgroupFile.<State>named("short").writer((s, v, h) -> s.value = v.length()).maxWriteBytes(8).build());
  }

  @Override
  public List<CgroupFile<CgroupHandle>> hostFiles() {
    return List.of(CgroupFile.readWrite("host", (c, h) -> "host of " + c + "\n", (c, v, h) -> log.add("host " + c + " " + v)));
  }

  @Override
  public DeviceBinding<State> bind(BindContext<State> context) {
    if (context.registration().spec().regions().isEmpty()) {
      throw CgroupException.of(Errno.EINVAL, "device %s offers no region", context.registration().name());
    }
    log.add("bind " + context.registration().name());
    return new Binding(context);
  }

  @Override
  public void canAttach(Migration m) {
    log.add(name + " canAttach " + m.task().pid() + " " + m.from() + " -> " + m.to());
    if (m.to().path().toString().equals(refuseAttachTo)) {
      throw CgroupException.of(Errno.ENOSPC, "%s refuses %s", name, m.to());
    }
  }

  @Override
  public void cancelAttach(Migration m) {
    log.add(name + " cancelAttach " + m.to());
  }

  @Override
  public void attach(Migration m) {
    log.add(name + " attach " + m.to());
  }

  /** The per-device part. */
  final class Binding implements DeviceBinding<State>, Holding {
    final BindContext<State> context;
    volatile boolean unbound;

    Binding(BindContext<State> context) {
      this.context = context;
    }

    @Override
    public State createState(CgroupHandle cgroup, State parent) {
      log.add("create " + cgroup + " parent " + (parent == null ? "-" : parent.cgroup));
      return new State(cgroup, parent);
    }

    @Override
    public void hold(CgroupHandle cgroup, long amount) {
      check();
      for (State s = cgroup.state(context.key()); s != null; s = s.parent) {
        s.held += amount;
      }
    }

    @Override
    public void release(CgroupHandle cgroup, long amount) {
      check();
      for (State s = cgroup.state(context.key()); s != null; s = s.parent) {
        s.held -= amount;
      }
    }

    private void check() {
      if (unbound) {
        throw CgroupException.of(Errno.ENODEV, "%s is gone", context.registration().name());
      }
    }

    @Override
    public void checkReleased() {
      long held = context.root().state(context.key()).held;
      if (held != 0) {
        throw CgroupException.of(Errno.EBUSY, "%s: %d still held", context.registration().name(), held);
      }
    }

    @Override
    public void unbind() {
      unbound = true;
      log.add("unbind " + context.registration().name());
    }
  }

  /** One cgroup's state. */
  final class State implements DeviceState {
    final CgroupHandle cgroup;
    final State parent;
    volatile long value;
    volatile long held;

    State(CgroupHandle cgroup, State parent) {
      this.cgroup = cgroup;
      this.parent = parent;
    }

    @Override
    public void online() {
      log.add("online " + cgroup);
    }

    @Override
    public void offline() {
      log.add("offline " + cgroup);
    }

    @Override
    public void free() {
      log.add("free " + cgroup);
    }

    @Override
    public boolean drained() {
      return held == 0;
    }

    @Override
    public String toString() {
      return "State[" + cgroup + "]";
    }
  }
}
