package io.cgdev.core.testing;

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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small test controller: per-device {@code demo.value} (rw, a non-negative number, read as the
 * value), {@code demo.capacity} (root only), {@code demo.local} (not on root, the cgroup path), and
 * the host file {@code demo.info}. Its states count charges (a state with charges is not drained);
 * it can refuse migrations into cgroups whose name is in {@link #refuseInto}, and records every hook
 * call in {@link #log}.
 */
public class DemoController implements Controller<DemoController.State> {
  public final List<String> log = new CopyOnWriteArrayList<>();
  public final Set<String> refuseInto = Collections.synchronizedSet(new HashSet<>());
  public final List<State> states = new CopyOnWriteArrayList<>();
  private final String name;

  public DemoController() {
    this("demo");
  }

  protected DemoController(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<CgroupFile<CgroupHandle>> hostFiles() {
    return List.of(CgroupFile.readOnly("info", (c, h) -> name + " at " + c.path() + "\n"));
  }

  @Override
  public List<CgroupFile<State>> deviceFiles() {
    return List.of(
        CgroupFile.readWrite("value", (s, h) -> s.value + "\n", (s, v, h) -> {
          long n = Numbers.parseLong(v, name + ".value");
          if (n < 0) {
            throw CgroupException.of(Errno.EINVAL, "%s.value must not be negative: %s", name, v);
          }
          s.value = n;
        }),
        CgroupFile.readOnly("capacity", (s, h) -> "100\n", FileFlag.ONLY_ON_ROOT),
        CgroupFile.readOnly("local", (s, h) -> s.cgroup.path() + "\n", FileFlag.NOT_ON_ROOT));
  }

  @Override
  public DeviceBinding<State> bind(BindContext<State> context) {
    if (context.registration().spec().attributes().containsKey(name + ".fail")) {
      throw CgroupException.of(Errno.EINVAL, "%s cannot govern %s", name, context.registration().name());
    }
    log.add("bind " + context.registration().name());
    return new Binding(context);
  }

  @Override
  public void canAttach(Migration m) {
    log.add("canAttach " + m.task().pid() + " " + m.to().path());
    if (refuseInto.contains(m.to().path().name())) {
      throw CgroupException.of(Errno.ENOSPC, "%s refuses %s", name, m.to().path());
    }
  }

  @Override
  public void cancelAttach(Migration m) {
    log.add("cancelAttach " + m.task().pid() + " " + m.to().path());
  }

  @Override
  public void attach(Migration m) {
    log.add("attach " + m.task().pid() + " " + m.to().path());
  }

  /** The capability a driver uses: charge units to a cgroup. */
  public interface Charging {
    void charge(CgroupHandle cgroup, long n);

    void uncharge(CgroupHandle cgroup, long n);
  }

  /** One device bound to the demo controller. */
  public final class Binding implements DeviceBinding<State>, Charging {
    private final BindContext<State> context;
    private final AtomicLong outstanding = new AtomicLong();
    public volatile boolean unbound;

    Binding(BindContext<State> context) {
      this.context = context;
    }

    /** The key the core gave this binding. */
    public io.cgdev.api.spi.StateKey<State> key() {
      return context.key();
    }

    @Override
    public State createState(CgroupHandle cgroup, State parent) {
      State s = new State(cgroup, parent);
      states.add(s);
      return s;
    }

    @Override
    public void charge(CgroupHandle cgroup, long n) {
      if (unbound) {
        throw new CgroupException(Errno.ENODEV, "unbound");
      }
      for (State s = cgroup.state(context.key()); s != null; s = s.parent) {
        s.charged.addAndGet(n);
      }
      outstanding.addAndGet(n);
    }

    @Override
    public void uncharge(CgroupHandle cgroup, long n) {
      for (State s = cgroup.state(context.key()); s != null; s = s.parent) {
        s.charged.addAndGet(-n);
      }
      outstanding.addAndGet(-n);
    }

    @Override
    public void checkReleased() {
      long n = outstanding.get();
      if (n != 0) {
        throw CgroupException.of(Errno.EBUSY, "%s: %d units still charged on %s", name, n, context.registration().name());
      }
    }

    @Override
    public void unbind() {
      unbound = true;
      log.add("unbind " + context.registration().name());
    }
  }

  /** A demo state. */
  public static final class State implements DeviceState {
    public final CgroupHandle cgroup;
    public final State parent;
    public final AtomicLong charged = new AtomicLong();
    public volatile long value;
    public volatile int online;
    public volatile int offline;
    public volatile int freed;
    /** What {@link #accountPressure} was told last ({@code cgroup.pressure}); true as a new state starts. */
    public volatile boolean pressure = true;
    final List<String> order = new ArrayList<>();

    State(CgroupHandle cgroup, State parent) {
      this.cgroup = cgroup;
      this.parent = parent;
    }

    @Override
    public void online() {
      if (parent != null && parent.online == 0) {
        throw new AssertionError("child onlined before parent: " + cgroup.path());
      }
      online++;
    }

    @Override
    public void offline() {
      offline++;
    }

    @Override
    public void free() {
      if (offline == 0) {
        throw new AssertionError("freed before offline: " + cgroup.path());
      }
      freed++;
    }

    @Override
    public boolean drained() {
      return charged.get() == 0;
    }

    @Override
    public void accountPressure(boolean on) {
      pressure = on;
    }
  }
}
