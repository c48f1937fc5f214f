package io.cgdev.testkit;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.Errno;
import io.cgdev.api.KernelText;
import io.cgdev.api.Keyed;
import io.cgdev.api.Stability;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.FileHandle;
import io.cgdev.api.spi.StateKey;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * One controller bound to one device in a {@link FakeCgroups} (made by {@link FakeCgroups#bind}):
 * the {@link BindContext} and {@link StateKey} the controller was given, the {@link DeviceBinding} it
 * returned, and the device's interface files in any cgroup. It is also the {@link DeviceRegistration}
 * the driver side sees.
 *
 * <p>Files are found by their declared name ({@code weight}) or by the name the file view shows
 * ({@code cpu.weight}). Reads run without the hierarchy lock, as the core runs them; writes run under
 * it, after the core's checks: a value longer than the file's {@link CgroupFile#maxWriteBytes()} is
 * {@code E2BIG}, the value is stripped of surrounding whitespace, and a file absent from that cgroup
 * ({@code ONLY_ON_ROOT}/{@code NOT_ON_ROOT}, a removed cgroup, an unregistered device) is {@code
 * ENOENT}.
 *
 * <p>Thread-safe.
 *
 * @param <S> the controller's state type
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class FakeRegistration<S extends DeviceState> implements DeviceRegistration {
  private final FakeCgroups owner;
  private final Controller<S> controller;
  private final DeviceSpec spec;
  private final FakeKey<S> key;
  private final BindContext<S> context;
  private final Map<String, CgroupFile<S>> files = new LinkedHashMap<>();
  private final Map<String, CgroupFile<CgroupHandle>> hostFiles = new LinkedHashMap<>();
  private volatile DeviceBinding<S> binding;
  private volatile boolean registered;
  private volatile boolean live;

  FakeRegistration(FakeCgroups owner, Controller<S> controller, DeviceSpec spec, int slot) {
    this.owner = owner;
    this.controller = controller;
    this.spec = spec;
    this.key = new FakeKey<>(this, slot);
    this.context = new Context();
    for (CgroupFile<S> f : controller.deviceFiles()) {
      if (files.put(f.name(), f) != null) {
        throw new IllegalStateException("controller " + controller.name() + " declares device file " + f.name() + " twice");
      }
    }
    for (CgroupFile<CgroupHandle> f : controller.hostFiles()) {
      if (hostFiles.put(f.name(), f) != null) {
        throw new IllegalStateException("controller " + controller.name() + " declares host file " + f.name() + " twice");
      }
    }
  }

  // ---- DeviceRegistration: the driver's side ----

  @Override
  public DeviceSpec spec() {
    return spec;
  }

  /** True from the end of {@link FakeCgroups#bind} until {@link #unregister}. */
  @Override
  public boolean registered() {
    return registered;
  }

  /**
   * The capability of this binding, else of another controller bound to the same device in the same
   * {@link FakeCgroups}, in bind order.
   *
   * @throws CgroupException {@code ENODEV} after unregistration
   */
  @Override
  public <T> Optional<T> capability(Class<T> type) {
    if (!registered) {
      throw CgroupException.of(Errno.ENODEV, "device %s is not registered", name());
    }
    Optional<T> own = binding.capability(type);
    if (own.isPresent()) {
      return own;
    }
    for (FakeRegistration<?> other : owner.device(name())) {
      if (other != this) {
        Optional<T> c = other.binding().capability(type);
        if (c.isPresent()) {
          return c;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Unregisters the whole device (every controller bound to it in this {@link FakeCgroups}), as
   * {@link FakeCgroups#unregister} does: {@code checkReleased} of every binding first (a refusal
   * changes nothing); then states offlined children first, freed children first (dying cgroups too),
   * and the bindings unbound.
   *
   * @throws CgroupException {@code EBUSY} from a binding's {@code checkReleased}; {@code ENODEV} if
   *     already unregistered
   * @throws IllegalStateException if a state hook or {@code unbind} threw, which the SPI forbids
   *     (teardown still completes)
   */
  @Override
  public void unregister() {
    owner.unregister(this);
  }

  // ---- the controller's side ----

  /** The tree this device is bound in. */
  public FakeCgroups cgroups() {
    return owner;
  }

  /** The controller that was bound. */
  public Controller<S> controller() {
    return controller;
  }

  /** What the controller's {@link Controller#bind} returned. */
  public DeviceBinding<S> binding() {
    return binding;
  }

  /** What {@link Controller#bind} was given; valid until the binding is unbound. */
  public BindContext<S> context() {
    return context;
  }

  /** The key that finds this binding's state in any cgroup of the tree, O(1). */
  public StateKey<S> key() {
    return key;
  }

  /**
   * This binding's state in a cgroup, as {@code cgroup.state(key())}.
   *
   * @throws CgroupException {@code ENODEV} after unbinding, or for a removed cgroup already freed
   */
  public S state(CgroupHandle cgroup) {
    return cgroup.state(key);
  }

  /** This binding's state in the live cgroup at {@code path}; {@code ENOENT} if there is none. */
  public S state(String path) {
    return state(owner.cgroup(path));
  }

  /**
   * A device file by its declared name ({@code max}) or its shown name ({@code memory.max}).
   *
   * @throws IllegalArgumentException if the controller declares no such file
   */
  public CgroupFile<S> file(String name) {
    return find(files, name, "device");
  }

  /** A host file of the controller, by declared or shown name; see {@link #file}. */
  public CgroupFile<CgroupHandle> hostFile(String name) {
    return find(hostFiles, name, "host");
  }

  /** Reads a device file of a cgroup through a fresh handle. See the class comment for errnos. */
  public String read(CgroupHandle cgroup, String file) {
    return read(cgroup, file, new FakeFileHandle());
  }

  /** Reads a device file of the live cgroup at {@code path} through a fresh handle. */
  public String read(String path, String file) {
    return read(owner.cgroup(path), file);
  }

  /**
   * Reads a device file of a cgroup through a given handle (e.g. one that carries {@code
   * memory.peak}'s per-handle reset). Lock-free, as in the core.
   *
   * @throws CgroupException {@code ENOENT} if the file is not present in that cgroup, {@code EACCES}
   *     if it is write-only, else what the reader throws
   */
  public String read(CgroupHandle cgroup, String file, FileHandle handle) {
    CgroupFile<S> f = file(file);
    checkPresent(f.name(), f.appearsOn(cgroup.isRoot()), cgroup);
    return f.read(state(cgroup), handle);
  }

  /** Writes a device file of a cgroup through a fresh blocking handle. */
  public void write(CgroupHandle cgroup, String file, String value) {
    write(cgroup, file, value, new FakeFileHandle());
  }

  /** Writes a device file of the live cgroup at {@code path} through a fresh blocking handle. */
  public void write(String path, String file, String value) {
    write(owner.cgroup(path), file, value);
  }

  /**
   * Writes a device file of a cgroup through a given handle (e.g. {@link FakeFileHandle#openNonBlocking()}),
   * under the hierarchy lock.
   *
   * @throws CgroupException {@code E2BIG} for a value longer than the file accepts, {@code ENOENT} if
   *     the file is not present in that cgroup, {@code EACCES} if it is read-only, else what the
   *     writer throws
   */
  public void write(CgroupHandle cgroup, String file, String value, FileHandle handle) {
    CgroupFile<S> f = file(file);
    String stripped = checkLength(f.name(), f.maxWriteBytes(), value, cgroup);
    owner.locked(() -> {
      checkPresent(f.name(), f.appearsOn(cgroup.isRoot()), cgroup);
      f.write(state(cgroup), stripped, handle);
    });
  }

  /**
   * The value of one key of a flat keyed device file ({@code key value} lines, e.g. {@code cpu.stat}
   * or {@code memory.events}), as a number.
   *
   * @throws NoSuchElementException naming the file and cgroup if the key is missing
   * @throws NumberFormatException if the value is not a number
   */
  public long readKey(CgroupHandle cgroup, String file, String key) {
    String value = Keyed.parseFlat(read(cgroup, file)).get(key);
    if (value == null) {
      throw new NoSuchElementException("no key " + key + " in " + file + " of " + cgroup);
    }
    return Long.parseLong(value);
  }

  /** Reads a host file of the controller in a cgroup; host files appear wherever the controller does. */
  public String readHost(CgroupHandle cgroup, String file) {
    CgroupFile<CgroupHandle> f = hostFile(file);
    checkPresent(f.name(), f.appearsOn(cgroup.isRoot()), cgroup);
    return f.read(cgroup, new FakeFileHandle());
  }

  /** Writes a host file of the controller in a cgroup, with the checks of {@link #write}. */
  public void writeHost(CgroupHandle cgroup, String file, String value) {
    CgroupFile<CgroupHandle> f = hostFile(file);
    String stripped = checkLength(f.name(), f.maxWriteBytes(), value, cgroup);
    owner.locked(() -> {
      checkPresent(f.name(), f.appearsOn(cgroup.isRoot()), cgroup);
      f.write(cgroup, stripped, new FakeFileHandle());
    });
  }

  @Override
  public String toString() {
    return "FakeRegistration[" + key + (registered ? "" : ", unregistered") + "]";
  }

  // ---- package-private: driven by FakeCgroups under the hierarchy lock ----

  FakeCgroups owner() {
    return owner;
  }

  FakeKey<S> fakeKey() {
    return key;
  }

  boolean live() {
    return live;
  }

  void live(boolean on) {
    live = on;
  }

  void registered(boolean on) {
    registered = on;
  }

  void binding(DeviceBinding<S> b) {
    binding = b;
  }

  /** Creates and onlines the state of a cgroup whose parent already has one. */
  void createIn(FakeCgroup cgroup) {
    FakeCgroup parent = cgroup.parent();
    @SuppressWarnings("unchecked") // the slot holds states made by this binding only
    S parentState = parent == null ? null : (S) parent.stateAt(key.slot());
    S s = binding.createState(cgroup, parentState);
    if (s == null) {
      throw new IllegalStateException("controller " + controller.name() + " created a null state for " + cgroup);
    }
    cgroup.setState(key.slot(), s);
    s.online();
  }

  DeviceState stateIn(FakeCgroup cgroup) {
    return cgroup.stateAt(key.slot());
  }

  // ---- helpers ----

  private <T> CgroupFile<T> find(Map<String, CgroupFile<T>> table, String name, String what) {
    CgroupFile<T> f = table.get(name);
    String prefix = controller.name() + ".";
    if (f == null && name.startsWith(prefix)) {
      f = table.get(name.substring(prefix.length()));
    }
    if (f == null) {
      throw new IllegalArgumentException("controller " + controller.name() + " declares no " + what + " file " + name
          + "; it has " + List.copyOf(table.keySet()));
    }
    return f;
  }

  private String shown(String declared, CgroupHandle cgroup) {
    return (cgroup.isRoot() ? "" : cgroup.path().toString()) + "/" + controller.name() + ".devices/" + name() + "/"
        + controller.name() + "." + declared;
  }

  private void checkPresent(String declared, boolean appears, CgroupHandle cgroup) {
    if (!registered || !cgroup.online() || !appears) {
      throw CgroupException.of(Errno.ENOENT, "no file %s%s", shown(declared, cgroup),
          !registered ? ": the device is not registered" : !cgroup.online() ? ": the cgroup was removed" : "");
    }
  }

  private String checkLength(String declared, int max, String value, CgroupHandle cgroup) {
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > Math.min(max, CgroupFs.MAX_WRITE_BYTES)) {
      throw CgroupException.of(Errno.E2BIG, "cannot write %s: %d bytes is more than the %d a write may carry",
          shown(declared, cgroup), bytes, max);
    }
    return KernelText.strip(KernelText.untilNul(value)); // as the core's file view hands values to writers
  }

  /** The context handed to {@link Controller#bind}. */
  private final class Context implements BindContext<S> {
    @Override
    public DeviceRegistration registration() {
      return FakeRegistration.this;
    }

    @Override
    public StateKey<S> key() {
      return key;
    }

    @Override
    public CgroupHandle root() {
      return owner.root();
    }
  }
}
