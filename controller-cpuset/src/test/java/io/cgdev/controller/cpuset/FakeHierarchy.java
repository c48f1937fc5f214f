package io.cgdev.controller.cpuset;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.EngineMask;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.FileHandle;
import io.cgdev.api.spi.Migration;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.api.spi.StateKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A stand-in for the core in unit tests: a tree of fake cgroup handles with one device bound to the
 * cpuset controller, and the device's files by name. Structural calls are synchronized, as the
 * core's hierarchy lock serialises them.
 */
final class FakeHierarchy {
  final CpusetController controller = new CpusetController();
  final DeviceSpec spec;
  final CpusetBinding binding;
  final Cg root;
  private final Map<String, Cg> byPath = new LinkedHashMap<>();
  private final Map<String, CgroupFile<CpusetState>> files = new LinkedHashMap<>();
  private final StateKey<CpusetState> key;
  private int nextId;
  private boolean registered = true;

  /** A device {@code gpu0} with engines {@code e0..e<n-1>} and regions {@code r0..r<m-1>}. */
  FakeHierarchy(int engines, int regions) {
    this(spec(engines, regions));
  }

  FakeHierarchy(DeviceSpec spec) {
    this.spec = spec;
    DeviceRegistration registration =
        new DeviceRegistration() {
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
            FakeHierarchy.this.unregister();
          }
        };
    key = () -> registration;
    root = new Cg(null, CgroupPath.root());
    binding =
        (CpusetBinding)
            controller.bind(
                new BindContext<>() {
                  @Override
                  public DeviceRegistration registration() {
                    return registration;
                  }

                  @Override
                  public StateKey<CpusetState> key() {
                    return key;
                  }

                  @Override
                  public CgroupHandle root() {
                    return root;
                  }
                });
    root.state = binding.createState(root, null);
    root.state.online();
    byPath.put("/", root);
    for (CgroupFile<CpusetState> f : controller.deviceFiles()) {
      files.put(f.name(), f);
    }
  }

  static DeviceSpec spec(int engines, int regions) {
    DeviceSpec.Builder b = DeviceSpec.builder("gpu0", "fake").controllers("cpuset");
    for (int i = 0; i < engines; i++) {
      b.engine(new EngineSpec("e" + i, "render"));
    }
    for (int i = 0; i < regions; i++) {
      b.region(new RegionSpec("r" + i, 1 << 20));
    }
    return b.build();
  }

  EngineMask mask() {
    return binding.capability(EngineMask.class).orElseThrow();
  }

  /** Creates {@code path} (its parent must exist). */
  synchronized Cg mkdir(String path) {
    CgroupPath p = CgroupPath.parse(path);
    Cg parent = cg(p.parent().toString());
    Cg cg = new Cg(parent, p);
    cg.state = binding.createState(cg, parent.state);
    cg.state.online();
    byPath.put(p.toString(), cg);
    return cg;
  }

  /** Creates {@code path} and any missing ancestors. */
  synchronized Cg mkdirs(String path) {
    CgroupPath p = CgroupPath.parse(path);
    if (byPath.containsKey(p.toString())) {
      return byPath.get(p.toString());
    }
    mkdirs(p.parent().toString());
    return mkdir(path);
  }

  synchronized void rmdir(String path) {
    Cg cg = cg(path);
    cg.online = false;
    cg.state.offline();
    cg.state.free();
    byPath.remove(cg.path.toString());
  }

  Cg cg(String path) {
    Cg cg = byPath.get(CgroupPath.parse(path).toString());
    if (cg == null) {
      throw CgroupException.of(Errno.ENOENT, "no cgroup %s", path);
    }
    return cg;
  }

  /** Writes {@code cpuset.<file>} of the device in cgroup {@code path}. */
  synchronized void write(String path, String file, String value) {
    Cg cg = cg(path);
    CgroupFile<CpusetState> f = file(file);
    if (!f.appearsOn(cg.isRoot())) {
      throw CgroupException.of(Errno.ENOENT, "no cpuset.%s in %s", file, path);
    }
    f.write(cg.state, value.strip(), HANDLE);
  }

  /** Reads {@code cpuset.<file>} of the device in cgroup {@code path}. */
  String read(String path, String file) {
    Cg cg = cg(path);
    CgroupFile<CpusetState> f = file(file);
    if (!f.appearsOn(cg.isRoot())) {
      throw CgroupException.of(Errno.ENOENT, "no cpuset.%s in %s", file, path);
    }
    return f.read(cg.state, HANDLE);
  }

  CgroupFile<CpusetState> file(String name) {
    CgroupFile<CpusetState> f = files.get(name);
    if (f == null) {
      throw new IllegalArgumentException("no file " + name);
    }
    return f;
  }

  /** Asks the controller whether a task may move into {@code path}. */
  synchronized void canAttach(String path) {
    Task task =
        new Task() {
          @Override
          public int pid() {
            return 42;
          }

          @Override
          public String name() {
            return "t";
          }

          @Override
          public CgroupPath cgroup() {
            return CgroupPath.root();
          }

          @Override
          public boolean alive() {
            return true;
          }
        };
    controller.canAttach(new Migration(task, root, cg(path)));
  }

  synchronized void unregister() {
    registered = false;
    var paths = new java.util.ArrayList<>(byPath.keySet());
    java.util.Collections.reverse(paths);
    for (String p : paths) {
      Cg cg = byPath.get(p);
      cg.state.offline();
      cg.state.free();
    }
    binding.unbind();
  }

  private static final FileHandle HANDLE =
      new FileHandle() {
        @Override
        public boolean nonBlocking() {
          return false;
        }

        @Override
        public int callerPid() {
          return 0;
        }

        @Override
        public Object attachment() {
          return null;
        }

        @Override
        public void attach(Object attachment) {}
      };

  /** A fake cgroup handle. */
  final class Cg implements CgroupHandle {
    final Cg parent;
    final CgroupPath path;
    final int id = nextId++;
    volatile CpusetState state;
    volatile boolean online = true;

    Cg(Cg parent, CgroupPath path) {
      this.parent = parent;
      this.path = path;
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
      return path.depth();
    }

    @Override
    public boolean online() {
      return online;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S extends DeviceState> S state(StateKey<S> k) {
      if (k != key) {
        throw new IllegalArgumentException("unknown key");
      }
      if (!registered) {
        throw CgroupException.of(Errno.ENODEV, "gpu0 unregistered");
      }
      return (S) state;
    }

    @Override
    public String toString() {
      return path.toString();
    }
  }
}
