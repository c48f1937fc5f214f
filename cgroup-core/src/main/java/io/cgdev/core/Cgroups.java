package io.cgdev.core;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Tasks;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.DriverProvider;
import io.cgdev.core.internal.boot.CoreContext;
import io.cgdev.core.internal.boot.DriverHost;
import io.cgdev.core.internal.boot.Plugins;
import io.cgdev.core.internal.fs.FileView;
import io.cgdev.core.internal.guard.Diagnostics;
import io.cgdev.core.internal.guard.Plugin;
import io.cgdev.core.internal.guard.PluginGuard;
import io.cgdev.core.internal.hierarchy.ControllerEntry;
import io.cgdev.core.internal.hierarchy.CoreFiles;
import io.cgdev.core.internal.hierarchy.Hierarchy;
import io.cgdev.core.internal.hierarchy.TaskTable;
import io.cgdev.core.internal.snapshot.SnapshotTaker;
import io.cgdev.core.snapshot.Snapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A booted cgroup hierarchy with its controllers and drivers: the core's only exported type.
 *
 * <pre>{@code
 * try (Cgroups cg = Cgroups.builder().build()) {       // finds plugins with ServiceLoader
 *   CgroupFs fs = cg.fs();
 *   fs.mkdir("/a");
 *   fs.write("/cgroup.subtree_control", "+memory");
 *   fs.write("/a/memory.devices/i915.0/memory.max", "512M");
 * }
 * }</pre>
 *
 * <p>Boot ({@link Builder#build}): controllers are collected (given ones first, then discovered ones;
 * one instance per class), validated and given dense indices in name order; the root cgroup is
 * created; then each driver is probed on its own guard. Problems that do not stop the boot are
 * {@link #diagnostics()}; those that do are {@link CgroupException}s whose message starts with a
 * diagnostic code. Every code is explained in {@code docs/DIAGNOSTICS.md}.
 *
 * <p>Plugin code is guarded while the hierarchy runs too: a controller or driver that throws where
 * the SPI does not allow it (a file reader, {@code createState}, an attach hook, ...) fails only the
 * operation at hand, with {@code EIO}, leaves the hierarchy as it was, and is reported once as {@code
 * CGDEV-PLUGIN-FAULT} in {@link #diagnostics()}, naming the plugin, its class, module and jar.
 *
 * <p>Thread-safe. Structural changes (through {@link #fs()}, {@link #tasks()}, {@link #register})
 * are serialised by one hierarchy lock; reads take none. Removing the root is {@code EBUSY}, as
 * rmdir(2) of a mount point is in Linux.
 */
public final class Cgroups implements AutoCloseable {
  private final Hierarchy hierarchy;
  private final FileView fs;
  private final TaskTable tasks;
  private final CoreContext context;
  private final Layout layout;
  /** Replaced whole on every change, so {@link #drivers()} is a consistent snapshot without a lock. */
  private final CopyOnWriteArrayList<DriverProvider> drivers;
  private final Diagnostics diagnostics;
  private boolean closed;

  private Cgroups(Hierarchy hierarchy, FileView fs, CoreContext context, Layout layout,
      List<DriverProvider> drivers, Diagnostics diagnostics) {
    this.hierarchy = hierarchy;
    this.fs = fs;
    this.tasks = new TaskTable(hierarchy);
    this.context = context;
    this.layout = layout;
    this.drivers = new CopyOnWriteArrayList<>(drivers);
    this.diagnostics = diagnostics;
  }

  /** Starts a builder; ServiceLoader discovery is on by default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The file view. */
  public CgroupFs fs() {
    return fs;
  }

  /** The modelled process table. */
  public Tasks tasks() {
    return tasks;
  }

  /** A plugin in use: a controller or a probed driver, with its class and where it was loaded from. */
  public record PluginInfo(String kind, String name, String className, String origin) {
    @Override
    public String toString() {
      return kind + " " + name + " (" + className + ", " + origin + ")";
    }
  }

  /** The controllers present and the drivers probed (not removed since), with their origins. */
  public List<PluginInfo> plugins() {
    List<PluginInfo> out = new ArrayList<>();
    for (ControllerEntry<?> e : hierarchy.controllers()) {
      out.add(info(e.plugin()));
    }
    for (DriverProvider d : drivers) {
      out.add(info(Plugin.driver(DriverHost.safeName(d), d.getClass())));
    }
    return List.copyOf(out);
  }

  private static PluginInfo info(Plugin p) {
    return new PluginInfo(p.kind(), p.name(), p.type().getName(), Plugin.origin(p.type()));
  }

  /** Names of the controllers present, in name order. */
  public Set<String> controllers() {
    return context.controllers();
  }

  /** Names of the registered devices, sorted. */
  public List<String> devices() {
    return List.copyOf(hierarchy.registrations().keySet());
  }

  /** The drivers whose probe succeeded and that were not removed since, in probe order; a snapshot. */
  public List<DriverProvider> drivers() {
    return List.copyOf(drivers);
  }

  /**
   * Probes a driver that arrived after boot (an OSGi bundle started, a hot-plugged plugin), on the
   * same guard as at boot: a failing probe is reported as {@code CGDEV-DRIVER-PROBE-FAILED} in {@link
   * #diagnostics()} and the devices it registered are unregistered again. On success the driver joins
   * {@link #drivers()} and {@link #close()} removes it. Call it without holding the hierarchy lock
   * (e.g. not from a file writer).
   *
   * @return true if the probe succeeded; false if it failed, the same instance is already present,
   *     or the hierarchy is closed
   */
  public boolean addDriver(DriverProvider driver) {
    synchronized (this) {
      if (closed || drivers.contains(driver)) {
        return false;
      }
    }
    List<DriverProvider> probed = DriverHost.probe(List.of(driver), context, diagnostics);
    if (probed.isEmpty()) {
      return false;
    }
    synchronized (this) {
      if (closed) {
        DriverHost.remove(probed, diagnostics);
        return false;
      }
      return drivers.addIfAbsent(driver);
    }
  }

  /**
   * Removes a driver before close: calls its {@link DriverProvider#remove()} (a throw is reported as
   * {@code CGDEV-DRIVER-REMOVE-FAILED}) and drops it from {@link #drivers()}.
   *
   * @return false if the instance is not one of {@link #drivers()}
   */
  public boolean removeDriver(DriverProvider driver) {
    if (!drivers.remove(driver)) {
      return false;
    }
    DriverHost.remove(List.of(driver), diagnostics);
    return true;
  }

  /** The probed driver of the given type. */
  public <T extends DriverProvider> Optional<T> driver(Class<T> type) {
    return drivers.stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  /** The context drivers get: register devices, find cgroups. */
  public DriverContext context() {
    return context;
  }

  /**
   * Registers a device, as {@code context().register(spec)}.
   *
   * @throws CgroupException {@code EEXIST}, {@code ENOENT}, {@code EINVAL}: see {@link DriverContext#register}
   */
  public DeviceRegistration register(DeviceSpec spec) {
    return context.register(spec);
  }

  /** The layout chosen at boot. */
  public Layout layout() {
    return layout;
  }

  /**
   * A picture of the hierarchy taken now, under the hierarchy lock: controllers, devices, tasks, and
   * the cgroup tree with each cgroup's tasks and every readable file's content, in a fixed order.
   * A value; render it as you need (the {@code cgdev snapshot} command prints it as JSON).
   */
  public Snapshot snapshot() {
    return new SnapshotTaker(hierarchy, fs, layout.name()).take();
  }

  /**
   * Problems found at boot, while running (plugin faults, each reported once per plugin class and
   * operation) and at close, that did not stop the hierarchy, in the order found; at most the first
   * 1000.
   */
  public List<Diagnostic> diagnostics() {
    return diagnostics.list(Diagnostic::new);
  }

  /**
   * Subscribes to {@code cgroup.events} changes: the listener gets the path of each cgroup whose
   * {@code populated} or {@code frozen} value changed (or whose {@code cgroup.freeze} was written
   * without changing it), after the change, on the changing thread, without the hierarchy lock held.
   * Closing the result unsubscribes. To watch any file, use {@link io.cgdev.api.CgroupFs#onChange} or
   * an open file's {@link io.cgdev.api.OpenFile#awaitChange}.
   */
  public AutoCloseable onEvents(Consumer<CgroupPath> listener) {
    return hierarchy.onEvents(listener);
  }

  /** Calls every driver's {@link DriverProvider#remove()}, last probed first; idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    DriverHost.remove(List.copyOf(drivers), diagnostics);
    drivers.clear();
  }

  /** Where per-device files go. */
  public enum Layout {
    /** {@code <cgroup>/<ctrl>.devices/<device>/<ctrl>.<file>} (the default). */
    PER_CONTROLLER,
    /** {@code <cgroup>/devices/<device>/<ctrl>.<file>}, every governing controller in one folder. */
    PER_DEVICE
  }

  /** Builds a {@link Cgroups}. Not thread-safe; use once. */
  public static final class Builder {
    private boolean discover = true;
    private ClassLoader classLoader;
    private final List<Controller<?>> controllers = new ArrayList<>();
    private final List<DriverProvider> drivers = new ArrayList<>();
    private final List<Path> pluginFolders = new ArrayList<>();
    private Layout layout = Layout.PER_CONTROLLER;
    private final Map<String, String> options = new LinkedHashMap<>();

    private Builder() {}

    /** Whether to find controllers and drivers with {@link ServiceLoader} (module path and class path). */
    public Builder discover(boolean on) {
      this.discover = on;
      return this;
    }

    /** Also scans this class loader (OSGi, tests), whether or not {@link #discover} is on. */
    public Builder classLoader(ClassLoader cl) {
      this.classLoader = Objects.requireNonNull(cl, "classLoader");
      return this;
    }

    /**
     * Also loads the plugin jars in {@code folder} and finds their controllers and drivers, as {@code
     * cgdev --plugins} does: when the core runs in a named module, the folder becomes a module layer
     * of its own (a child of the core's layer); on the class path, a class loader of its own. Each
     * plugin is then guarded as a discovered one: a broken jar, module or plugin is skipped with a
     * diagnostic. Repeatable; folders are loaded in the order given, each into its own layer.
     */
    public Builder pluginFolder(Path folder) {
      pluginFolders.add(Objects.requireNonNull(folder, "folder"));
      return this;
    }

    /** Adds a controller instance; a discovered instance of the same class is then ignored. */
    public Builder controller(Controller<?> controller) {
      controllers.add(Objects.requireNonNull(controller, "controller"));
      return this;
    }

    /** Adds a driver instance; a discovered instance of the same class is then ignored. */
    public Builder driver(DriverProvider driver) {
      drivers.add(Objects.requireNonNull(driver, "driver"));
      return this;
    }

    /** Chooses where per-device files go; {@link Layout#PER_CONTROLLER} by default. */
    public Builder layout(Layout layout) {
      this.layout = Objects.requireNonNull(layout, "layout");
      return this;
    }

    /** A configuration value drivers read with {@link DriverContext#option}. */
    public Builder option(String key, String value) {
      options.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Boots: collects and validates controllers, creates the root, probes drivers.
     *
     * @throws CgroupException {@code EINVAL} for a controller or driver given to this builder that
     *     shares its name with another ({@code CGDEV-DUPLICATE-CONTROLLER}, {@code
     *     CGDEV-DUPLICATE-DRIVER}), a given controller with a bad name or file table ({@code
     *     CGDEV-BAD-CONTROLLER-NAME}, {@code CGDEV-BAD-CONTROLLER-FILES}, {@code CGDEV-PLUGIN-BROKEN}),
     *     more than 64 controllers ({@code CGDEV-TOO-MANY-CONTROLLERS}); {@code ENOENT} for a plugin
     *     folder that does not exist ({@code CGDEV-PLUGIN-FOLDER})
     */
    public Cgroups build() {
      Diagnostics diags = new Diagnostics();
      Plugins plugins = new Plugins(discover, classLoader, pluginFolders, diags);
      List<ControllerEntry<?>> entries = plugins.controllers(controllers);
      boolean perDevice = layout == Layout.PER_DEVICE;
      Hierarchy hierarchy = new Hierarchy(entries, perDevice, new PluginGuard(diags));
      FileView fs = new FileView(hierarchy, new CoreFiles(hierarchy), perDevice);
      CoreContext context = new CoreContext(hierarchy, options);
      List<DriverProvider> probed = DriverHost.probe(plugins.drivers(drivers), context, diags);
      return new Cgroups(hierarchy, fs, context, layout, probed, diags);
    }
  }
}
