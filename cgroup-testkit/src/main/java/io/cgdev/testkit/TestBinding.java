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
import io.cgdev.core.internal.hierarchy.Registration;
import io.cgdev.core.internal.hierarchy.StateSlot;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * One controller bound to one registered device of a {@link TestCgroups} (made by {@link
 * TestCgroups#bind}): both halves of the pair, the core's ({@link #key()}, {@link #context()}) and
 * the plugin's ({@link #binding()}), the {@link #registration()} the driver side holds, and the
 * controller's files of that device in any cgroup.
 *
 * <p>Files are found by their declared name ({@code weight}) or by the name the file view shows
 * ({@code cpu.weight}). Reads run without the hierarchy lock, as the core runs them; writes run under
 * it, after the file view's checks: a value longer than the file's {@link CgroupFile#maxWriteBytes()}
 * is {@code E2BIG}, the value is stripped of surrounding whitespace, and a file absent from that
 * cgroup ({@code ONLY_ON_ROOT}/{@code NOT_ON_ROOT}, a removed cgroup, an unregistered device) is
 * {@code ENOENT}.
 *
 * <p>Thread-safe.
 *
 * @param <S> the controller's state type
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class TestBinding<S extends DeviceState> {
  private final TestCgroups owner;
  private final Registration registration;
  private final Controller<S> controller;
  private final StateSlot<S> slot;

  TestBinding(TestCgroups owner, Registration registration, Controller<S> controller) {
    this.owner = owner;
    this.registration = registration;
    this.controller = controller;
    this.slot = TestCgroups.slot(owner.hierarchy(), registration, controller);
  }

  /**
   * The binding of another controller to the same device.
   *
   * @throws IllegalArgumentException if the device is not bound to it
   */
  public <T extends DeviceState> TestBinding<T> of(Controller<T> other) {
    return new TestBinding<>(owner, registration, other);
  }

  // ---- the driver's side ----

  /** The registration the driver holds: capabilities, unregister. */
  public DeviceRegistration registration() {
    return registration;
  }

  public DeviceSpec spec() {
    return registration.spec();
  }

  /** The device name. */
  public String name() {
    return registration.name();
  }

  /** True from {@link TestCgroups#bind} until the device is unregistered. */
  public boolean registered() {
    return registration.registered();
  }

  /**
   * A capability of the device, offered by any controller bound to it, as {@code
   * registration().capability(type)}.
   *
   * @throws CgroupException {@code ENODEV} after unregistration
   */
  public <T> Optional<T> capability(Class<T> type) {
    return registration.capability(type);
  }

  /**
   * Unregisters the device, as {@code registration().unregister()}: {@code checkReleased} of every
   * binding first (a refusal changes nothing); then states offlined in live cgroups children first,
   * freed in dying cgroups and then live ones, and every binding unbound.
   *
   * @throws CgroupException {@code EBUSY} from a binding's {@code checkReleased}; {@code ENODEV} if
   *     already unregistered
   */
  public void unregister() {
    registration.unregister();
  }

  // ---- the controller's side ----

  /** The tree this device is registered in. */
  public TestCgroups cgroups() {
    return owner;
  }

  /** The controller that was bound. */
  public Controller<S> controller() {
    return controller;
  }

  /** What the controller's {@link Controller#bind} returned. */
  public DeviceBinding<S> binding() {
    return slot.binding();
  }

  /** What {@link Controller#bind} was given; valid until the binding is unbound. */
  public BindContext<S> context() {
    return slot;
  }

  /** The key that finds this binding's state in any cgroup of the tree, O(1). */
  public StateKey<S> key() {
    return slot;
  }

  /**
   * This binding's state in a cgroup, as {@code cgroup.state(key())}.
   *
   * @throws CgroupException {@code ENODEV} after unbinding, or for a removed cgroup already freed
   */
  public S state(CgroupHandle cgroup) {
    return cgroup.state(slot);
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
    return find(slot.controller().deviceFiles(), name, "device");
  }

  /** A host file of the controller, by declared or shown name; see {@link #file}. */
  public CgroupFile<CgroupHandle> hostFile(String name) {
    return find(slot.controller().hostFiles(), name, "host");
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
    return "TestBinding[" + slot + (registered() ? "" : ", unregistered") + "]";
  }

  // ---- helpers ----

  /** A file of a table keyed by shown name ({@code <controller>.<file>}), found by either name. */
  private <T> CgroupFile<T> find(Map<String, CgroupFile<T>> byShownName, String name, String what) {
    String prefix = controller.name() + ".";
    CgroupFile<T> f = byShownName.get(name.startsWith(prefix) ? name : prefix + name);
    if (f == null) {
      throw new IllegalArgumentException("controller " + controller.name() + " declares no " + what + " file " + name
          + "; it has " + List.copyOf(byShownName.keySet()));
    }
    return f;
  }

  private String shown(String declared, CgroupHandle cgroup) {
    return (cgroup.isRoot() ? "" : cgroup.path().toString()) + "/" + controller.name() + ".devices/" + name() + "/"
        + controller.name() + "." + declared;
  }

  private void checkPresent(String declared, boolean appears, CgroupHandle cgroup) {
    boolean registered = registered();
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
}
