package io.cgdev.controller.memory;

import io.cgdev.api.CgroupPath;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.FileHandle;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.ReclaimRequest;
import io.cgdev.api.spi.Reclaimer;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.api.spi.StateKey;
import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Small fakes of what the core provides (cgroups, state keys, the bind context, file handles) and a
 * fake driver that keeps buffers in LRU order and evicts them on request, so the controller can be
 * tested without the core.
 */
final class Fixture {
  static final long M = 1L << 20;

  final MemoryController controller = new MemoryController();
  final Key key = new Key();
  final Lru lru = new Lru();
  final DeviceSpec spec;
  final MemoryBinding binding;
  final MemoryCharging charging;
  final Cg root;
  final Map<String, Cg> cgroups = new LinkedHashMap<>();

  Fixture(RegionSpec... regions) {
    DeviceSpec.Builder b = DeviceSpec.builder("dev0", "fake").controllers("memory").reclaimer(lru);
    for (RegionSpec r : regions) {
      b.region(r);
    }
    spec = b.build();
    root = new Cg(CgroupPath.root(), null);
    cgroups.put("/", root);
    Registration reg = new Registration(spec);
    key.registration = reg;
    binding = (MemoryBinding) controller.bind(new BindContext<>() {
      @Override
      public DeviceRegistration registration() {
        return reg;
      }

      @Override
      public StateKey<MemoryState> key() {
        return key;
      }

      @Override
      public CgroupHandle root() {
        return root;
      }
    });
    charging = binding.capability(MemoryCharging.class).orElseThrow();
    root.states.put(key, binding.createState(root, null));
    lru.charging = charging;
  }

  /** One region {@code lmem0} of the given capacity. */
  static Fixture oneRegion(long capacity) {
    return new Fixture(new RegionSpec("lmem0", capacity));
  }

  /** Creates a cgroup (its parent must exist) and its state. */
  Cg mkdir(String path) {
    CgroupPath p = CgroupPath.parse(path);
    Cg parent = cgroups.get(p.parent().toString());
    Cg cg = new Cg(p, parent);
    cg.states.put(key, binding.createState(cg, parent.state()));
    cgroups.put(path, cg);
    return cg;
  }

  Cg cg(String path) {
    return cgroups.get(path);
  }

  MemoryState state(String path) {
    return cgroups.get(path).state();
  }

  /** Charges through the driver path and records a buffer in the LRU. */
  void alloc(String path, int region, long bytes) {
    Cg cg = cg(path);
    charging.charge(cg, region, bytes);
    lru.add(cg, region, bytes);
  }

  String read(String path, String file) {
    return read(path, file, new Handle(false));
  }

  String read(String path, String file, Handle handle) {
    return file(file).read(state(path), handle);
  }

  void write(String path, String file, String value) {
    file(file).write(state(path), value, new Handle(false));
  }

  io.cgdev.api.spi.CgroupFile<MemoryState> file(String name) {
    return controller.deviceFiles().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
  }

  /** A cgroup handle holding its states in a map, as the core's would in an array. */
  static final class Cg implements CgroupHandle {
    private static int ids;
    final CgroupPath path;
    final Cg parent;
    final int id;
    final Map<StateKey<?>, DeviceState> states = new ConcurrentHashMap<>();

    Cg(CgroupPath path, Cg parent) {
      this.path = path;
      this.parent = parent;
      this.id = parent == null ? 0 : ++ids;
    }

    MemoryState state() {
      return (MemoryState) states.values().iterator().next();
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
      return true;
    }

    @Override
    public <S extends DeviceState> S state(StateKey<S> key) {
      DeviceState s = states.get(key);
      if (s == null) {
        throw CgroupException.of(Errno.ENODEV, "no state for %s", key);
      }
      @SuppressWarnings("unchecked") // the map is keyed by the key that made the state
      S typed = (S) s;
      return typed;
    }

    @Override
    public String toString() {
      return path.toString();
    }
  }

  static final class Key implements StateKey<MemoryState> {
    DeviceRegistration registration;

    @Override
    public DeviceRegistration registration() {
      return registration;
    }
  }

  record Registration(DeviceSpec spec) implements DeviceRegistration {
    @Override
    public boolean registered() {
      return true;
    }

    @Override
    public <T> Optional<T> capability(Class<T> type) {
      return Optional.empty();
    }

    @Override
    public void unregister() {}
  }

  static final class Handle implements FileHandle {
    private final boolean nonBlocking;
    private Object attachment;

    Handle(boolean nonBlocking) {
      this.nonBlocking = nonBlocking;
    }

    @Override
    public boolean nonBlocking() {
      return nonBlocking;
    }

    @Override
    public int callerPid() {
      return 0;
    }

    @Override
    public Object attachment() {
      return attachment;
    }

    @Override
    public void attach(Object attachment) {
      this.attachment = attachment;
    }
  }

  /** A buffer the fake driver holds. */
  record Buffer(CgroupHandle owner, int region, long bytes) {}

  /**
   * A fake driver's eviction: buffers in LRU order (oldest first, in fixed-size pieces); a request
   * walks them oldest first and evicts those in the scope that {@link ReclaimRequest#mayEvict}
   * allows, uncharging as it goes, until enough is freed.
   */
  static final class Lru implements Reclaimer {
    final List<Buffer> buffers = new ArrayList<>();
    final List<String> requests = new ArrayList<>();
    MemoryCharging charging;
    long piece = M;

    synchronized void add(Cg owner, int region, long bytes) {
      addHandle(owner, region, bytes);
    }

    synchronized void addHandle(CgroupHandle owner, int region, long bytes) {
      for (long left = bytes; left > 0; left -= piece) {
        buffers.add(new Buffer(owner, region, Math.min(piece, left)));
      }
    }

    @Override
    public synchronized long reclaim(ReclaimRequest request) {
      requests.add(request.toString());
      int region = charging.region(request.region());
      long freed = 0;
      for (Iterator<Buffer> it = buffers.iterator(); it.hasNext() && freed < request.bytes(); ) {
        Buffer b = it.next();
        if (b.region() == region && b.owner().isDescendantOf(request.scope()) && request.mayEvict(b.owner())) {
          it.remove();
          charging.uncharge(b.owner(), region, b.bytes());
          freed += b.bytes();
        }
      }
      return freed;
    }
  }
}
