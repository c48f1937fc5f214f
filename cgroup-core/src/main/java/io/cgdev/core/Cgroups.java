package io.cgdev.core;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Tasks;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.DriverProvider;
import io.cgdev.core.internal.boot.CoreContext;
import io.cgdev.core.internal.boot.Diagnostics;
import io.cgdev.core.internal.boot.DriverHost;
import io.cgdev.core.internal.boot.PluginScan;
import io.cgdev.core.internal.fs.FileView;
import io.cgdev.core.internal.hierarchy.ControllerEntry;
import io.cgdev.core.internal.hierarchy.CoreFiles;
import io.cgdev.core.internal.hierarchy.Hierarchy;
import io.cgdev.core.internal.hierarchy.TaskTable;
import io.cgdev.core.internal.snapshot.SnapshotWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>Thread-safe. Structural changes (through {@link #fs()}, {@link #tasks()}, {@link #register})
 * are serialised by one hierarchy lock; reads take none. Removing the root is {@code EBUSY}, as
 * rmdir(2) of a mount point is in Linux.
 */
public final class Cgroups implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Cgroups.class);

  private final Hierarchy hierarchy;
  private final FileView fs;
  private final TaskTable tasks;
  private final CoreContext context;
  private final Layout layout;
  private final List<DriverProvider> drivers;
  private final List<Diagnostic> diagnostics;
  private boolean closed;

  private Cgroups(Hierarchy hierarchy, FileView fs, CoreContext context, Layout layout,
      List<DriverProvider> drivers, List<Diagnostic> diagnostics) {
    this.hierarchy = hierarchy;
    this.fs = fs;
    this.tasks = new TaskTable(hierarchy);
    this.context = context;
    this.layout = layout;
    this.drivers = drivers;
    this.diagnostics = new CopyOnWriteArrayList<>(diagnostics);
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

  /** Names of the controllers present, in name order. */
  public Set<String> controllers() {
    return context.controllers();
  }

  /** Names of the registered devices, sorted. */
  public List<String> devices() {
    return List.copyOf(hierarchy.registrations().keySet());
  }

  /** The drivers whose probe succeeded, in probe order. */
  public List<DriverProvider> drivers() {
    return drivers;
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
   * A JSON picture of the hierarchy (controllers, devices, tasks, and the cgroup tree with each
   * cgroup's tasks and every readable file's content), in a deterministic order.
   */
  public String snapshotJson() {
    return new SnapshotWriter(hierarchy, fs, layout.name()).write();
  }

  /** Problems found at boot (and at close) that did not stop it, in the order found. */
  public List<Diagnostic> diagnostics() {
    return List.copyOf(diagnostics);
  }

  /**
   * Subscribes to {@code cgroup.events} changes: the listener gets the path of each cgroup whose
   * {@code populated} value changed, after the change, on the changing thread, without the hierarchy
   * lock held. Closing the result unsubscribes.
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
    for (DriverProvider d : drivers.reversed()) {
      try {
        d.remove();
      } catch (RuntimeException e) {
        String msg = "driver " + d.getClass().getName() + " threw in remove(): " + e;
        diagnostics.add(new Diagnostic("CGDEV-DRIVER-REMOVE-FAILED", msg));
        LOG.warn("CGDEV-DRIVER-REMOVE-FAILED: {}", msg, e);
      }
    }
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
     * @throws CgroupException {@code EINVAL} for two controllers with one name ({@code
     *     CGDEV-DUPLICATE-CONTROLLER}), a given controller with a bad name or file table ({@code
     *     CGDEV-BAD-CONTROLLER-NAME}, {@code CGDEV-BAD-CONTROLLER-FILES}), more than 64 controllers
     *     ({@code CGDEV-TOO-MANY-CONTROLLERS})
     */
    public Cgroups build() {
      Diagnostics diags = new Diagnostics();
      List<ControllerEntry<?>> entries = controllerEntries(diags);
      if (entries.isEmpty()) {
        diags.report("CGDEV-NO-CONTROLLER", "no controller was found, so only the cgroup.* files work: put a "
            + "controller module (e.g. io.cgdev.controller.memory, io.cgdev.controller.cpu, io.cgdev.controller.cpuset) "
            + "on the module path or class path, or hand one to Cgroups.builder().controller(...)", null);
      }
      Set<String> reserved = new HashSet<>(CoreFiles.NAMES);
      for (ControllerEntry<?> e : entries) {
        reserved.addAll(e.hostFiles().keySet());
        reserved.addAll(e.deviceFiles().keySet());
        reserved.add(e.name() + ".devices");
      }
      if (layout == Layout.PER_DEVICE) {
        reserved.add("devices");
      }
      Hierarchy hierarchy = new Hierarchy(entries, reserved);
      FileView fs = new FileView(hierarchy, new CoreFiles(hierarchy), layout == Layout.PER_DEVICE);
      CoreContext context = new CoreContext(hierarchy, options);
      List<DriverProvider> probed = DriverHost.probe(driverList(diags), context, diags);
      return new Cgroups(hierarchy, fs, context, layout, probed, diags.list());
    }

    @SuppressWarnings({"unchecked", "rawtypes"}) // Controller is generic; ServiceLoader wants its raw class
    private static Class<Controller<?>> controllerType() {
      return (Class) Controller.class;
    }

    private List<ControllerEntry<?>> controllerEntries(Diagnostics diags) {
      Set<Class<?>> seen = new HashSet<>();
      Map<String, ControllerEntry<?>> byName = new LinkedHashMap<>();
      for (Controller<?> c : controllers) {
        if (!seen.add(c.getClass())) {
          continue;
        }
        ControllerEntry<?> e;
        try {
          ControllerEntry.checkName(c.name(), c.getClass());
        } catch (IllegalArgumentException ex) {
          throw new CgroupException(Errno.EINVAL, "CGDEV-BAD-CONTROLLER-NAME: " + ex.getMessage());
        }
        try {
          e = ControllerEntry.of(c, 0);
        } catch (IllegalArgumentException ex) {
          throw new CgroupException(Errno.EINVAL, "CGDEV-BAD-CONTROLLER-FILES: " + ex.getMessage());
        }
        add(byName, e);
      }
      for (Controller<?> c : discovered(controllerType(), seen, diags)) {
        String origin = c.getClass().getName() + " from " + Diagnostics.origin(c.getClass());
        try {
          String name = c.name();
          try {
            ControllerEntry.checkName(name, c.getClass());
          } catch (IllegalArgumentException ex) {
            diags.report("CGDEV-BAD-CONTROLLER-NAME", ex.getMessage() + " (" + origin + "); skipped", null);
            continue;
          }
          add(byName, ControllerEntry.of(c, 0));
        } catch (IllegalArgumentException ex) {
          diags.report("CGDEV-BAD-CONTROLLER-FILES", ex.getMessage() + " (" + origin + "); skipped", null);
        } catch (CgroupException ex) {
          throw ex;
        } catch (RuntimeException | LinkageError ex) {
          diags.report("CGDEV-PLUGIN-BROKEN", "controller " + origin + " failed while its table was read and was skipped: "
              + Diagnostics.describe(ex), ex);
        }
      }
      if (byName.size() > ControllerEntry.MAX_CONTROLLERS) {
        throw CgroupException.of(Errno.EINVAL, "CGDEV-TOO-MANY-CONTROLLERS: %d controllers, at most %d are supported: %s",
            byName.size(), ControllerEntry.MAX_CONTROLLERS, byName.values());
      }
      List<ControllerEntry<?>> sorted = new ArrayList<>(byName.values());
      sorted.sort(Comparator.comparing(ControllerEntry::name));
      List<ControllerEntry<?>> out = new ArrayList<>();
      for (int i = 0; i < sorted.size(); i++) {
        out.add(sorted.get(i).withIndex(i));
      }
      return out;
    }

    private static void add(Map<String, ControllerEntry<?>> byName, ControllerEntry<?> e) {
      ControllerEntry<?> other = byName.putIfAbsent(e.name(), e);
      if (other != null) {
        throw CgroupException.of(Errno.EINVAL, "CGDEV-DUPLICATE-CONTROLLER: controllers %s (%s) and %s (%s) are both named '%s'; remove one",
            other.controller().getClass().getName(), Diagnostics.origin(other.controller().getClass()),
            e.controller().getClass().getName(), Diagnostics.origin(e.controller().getClass()), e.name());
      }
    }

    private <T> List<T> discovered(Class<T> type, Set<Class<?>> seen, Diagnostics diags) {
      List<T> out = new ArrayList<>();
      if (discover) {
        out.addAll(PluginScan.scan(type, ServiceLoader.load(type), seen, diags));
      }
      if (classLoader != null) {
        out.addAll(PluginScan.scan(type, ServiceLoader.load(type, classLoader), seen, diags));
      }
      return out;
    }

    private List<DriverProvider> driverList(Diagnostics diags) {
      Set<Class<?>> seen = new HashSet<>();
      List<DriverProvider> all = new ArrayList<>();
      for (DriverProvider d : drivers) {
        if (seen.add(d.getClass())) {
          all.add(d);
        }
      }
      all.addAll(discovered(DriverProvider.class, seen, diags));
      Map<String, DriverProvider> byName = new LinkedHashMap<>();
      Set<DriverProvider> kept = new LinkedHashSet<>();
      for (DriverProvider d : all) {
        String name;
        try {
          name = d.name();
        } catch (RuntimeException | LinkageError ex) {
          diags.report("CGDEV-PLUGIN-BROKEN", "driver " + d.getClass().getName() + " from " + Diagnostics.origin(d.getClass())
              + " failed in name() and was skipped: " + Diagnostics.describe(ex), ex);
          continue;
        }
        DriverProvider other = byName.putIfAbsent(name, d);
        if (other != null) {
          diags.report("CGDEV-DUPLICATE-DRIVER", "drivers " + other.getClass().getName() + " and " + d.getClass().getName()
              + " (" + Diagnostics.origin(d.getClass()) + ") are both named '" + name + "'; the second was skipped", null);
          continue;
        }
        kept.add(d);
      }
      return List.copyOf(kept);
    }
  }
}
