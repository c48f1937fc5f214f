package io.cgdev.controller.cpu;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceClock;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.StateKey;
import io.cgdev.api.spi.TimeSharing;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for the core in unit tests: a cgroup tree of fake handles, one device bound to the cpu
 * controller, a simulated clock, and the controller's files by name.
 */
final class FakeTree {
  /** A simulated device clock, advanced by the test. */
  static final class SimClock implements DeviceClock {
    private final AtomicLong now = new AtomicLong();

    @Override
    public long nanoTime() {
      return now.get();
    }

    void advance(long nanos) {
      now.addAndGet(nanos);
    }

    void set(long nanos) {
      now.set(nanos);
    }
  }

  final SimClock clock = new SimClock();
  final CpuController controller = new CpuController();
  final DeviceSpec spec;
  final CpuBinding binding;
  final Cg root;
  final List<Cg> all = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<String, CgroupFile<CpuState>> files = new HashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private volatile boolean registered = true;
  private final StateKey<CpuState> key;

  FakeTree(String... engines) {
    this(engines.length == 0 ? List.of("rcs0") : List.of(engines));
  }

  FakeTree(List<String> engines) {
    DeviceSpec.Builder b = DeviceSpec.builder("gpu0", "fake").controllers("cpu").clock(clock);
    for (String e : engines) {
      b.engine(new EngineSpec(e, "render"));
    }
    spec = b.build();
    DeviceRegistration registration = new DeviceRegistration() {
      @Override
      public DeviceSpec spec() {
        return spec;
      }

      @Override
      public boolean registered() {
        return registered;
      }

      @Override
      public <T> Optional<T> capability(Class<T> type) {
        return binding.capability(type);
      }

      @Override
      public void unregister() {
        FakeTree.this.unregister();
      }
    };
    key = () -> registration;
    root = new Cg(null, "");
    binding = (CpuBinding) controller.bind(new BindContext<>() {
      @Override
      public DeviceRegistration registration() {
        return registration;
      }

      @Override
      public StateKey<CpuState> key() {
        return key;
      }

      @Override
      public CgroupHandle root() {
        return root;
      }
    });
    root.state = binding.createState(root, null);
    root.state.online();
    all.add(root);
    for (CgroupFile<CpuState> f : controller.deviceFiles()) {
      files.put("cpu." + f.name(), f);
    }
  }

  TimeSharing timeSharing() {
    return binding.capability(TimeSharing.class).orElseThrow();
  }

  Cg mkdir(Cg parent, String name) {
    Cg cg = new Cg(parent, name);
    cg.state = binding.createState(cg, parent.state);
    cg.state.online();
    all.add(cg);
    return cg;
  }

  CgroupFile<CpuState> file(String name) {
    CgroupFile<CpuState> f = files.get(name);
    if (f == null) {
      throw new IllegalArgumentException(name);
    }
    return f;
  }

  String read(Cg cg, String name) {
    CgroupFile<CpuState> f = file(name);
    if (!f.appearsOn(cg.isRoot())) {
      throw CgroupException.of(Errno.ENOENT, "%s has no %s", cg.path(), name);
    }
    return f.read(cg.state, null);
  }

  void write(Cg cg, String name, String value) {
    CgroupFile<CpuState> f = file(name);
    if (!f.appearsOn(cg.isRoot())) {
      throw CgroupException.of(Errno.ENOENT, "%s has no %s", cg.path(), name);
    }
    f.write(cg.state, value.strip(), null);
  }

  /** The value of one key of cpu.stat. */
  long stat(Cg cg, String key) {
    for (String line : read(cg, "cpu.stat").split("\n")) {
      String[] kv = line.split(" ");
      if (kv[0].equals(key)) {
        return Long.parseLong(kv[1]);
      }
    }
    throw new AssertionError("no " + key + " in cpu.stat of " + cg.path());
  }

  void unregister() {
    binding.checkReleased();
    registered = false;
    binding.unbind();
  }

  /** A fake cgroup handle. */
  final class Cg implements CgroupHandle {
    private final Cg parent;
    private final CgroupPath path;
    private final int id;
    CpuState state;

    Cg(Cg parent, String name) {
      this.parent = parent;
      this.path = parent == null ? CgroupPath.parse("/") : CgroupPath.parse(
          (parent.path.isRoot() ? "" : parent.path.toString()) + "/" + name);
      this.id = ids.getAndIncrement();
    }

    @Override
    public CgroupPath path() {
      return path;
    }

    @Override
    public int id() {
      return id;
    }

    @Override
    public CgroupHandle parent() {
      return parent;
    }

    @Override
    public int level() {
      return parent == null ? 0 : parent.level() + 1;
    }

    @Override
    public boolean online() {
      return true;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S extends DeviceState> S state(StateKey<S> k) {
      if (!registered) {
        throw CgroupException.of(Errno.ENODEV, "gpu0 is gone");
      }
      if (k != key) {
        throw new IllegalArgumentException("foreign key");
      }
      return (S) state;
    }

    @Override
    public String toString() {
      return path.toString();
    }
  }

  /** All cgroups' states, for invariant checks. */
  static List<CpuState> lineage(CpuState s) {
    List<CpuState> out = new java.util.ArrayList<>();
    for (CpuState c = s; c != null; c = c.parent) {
      out.add(c);
    }
    return out;
  }
}
