package io.cgdev.core.internal.boot;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DriverProvider;
import io.cgdev.core.internal.hierarchy.ControllerEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Collects the controllers and drivers of one boot: those handed to the builder first, then those
 * {@link ServiceLoader} finds (one instance per class), each discovered one on its own guard. A
 * problem with a given plugin stops the boot; one with a discovered plugin is a diagnostic and the
 * plugin is skipped. Used once, on the booting thread.
 */
public final class Plugins {
  private final boolean discover;
  private final ClassLoader classLoader;
  private final Diagnostics diagnostics;

  /**
   * @param discover whether to scan the module path and class path
   * @param classLoader a further loader to scan (OSGi, tests), or {@code null}
   */
  public Plugins(boolean discover, ClassLoader classLoader, Diagnostics diagnostics) {
    this.discover = discover;
    this.classLoader = classLoader;
    this.diagnostics = diagnostics;
  }

  /**
   * The controllers' tables, with dense indices in name order.
   *
   * @throws CgroupException {@code EINVAL}: {@code CGDEV-DUPLICATE-CONTROLLER}, {@code
   *     CGDEV-BAD-CONTROLLER-NAME} or {@code CGDEV-BAD-CONTROLLER-FILES} for a given controller,
   *     {@code CGDEV-TOO-MANY-CONTROLLERS}
   */
  public List<ControllerEntry<?>> controllers(List<Controller<?>> given) {
    Set<Class<?>> seen = new HashSet<>();
    Map<String, ControllerEntry<?>> byName = new LinkedHashMap<>();
    for (Controller<?> c : given) {
      if (seen.add(c.getClass())) {
        add(byName, givenEntry(c));
      }
    }
    for (Controller<?> c : discovered(controllerType(), seen)) {
      ControllerEntry<?> e = discoveredEntry(c);
      if (e != null) {
        add(byName, e);
      }
    }
    if (byName.size() > ControllerEntry.MAX_CONTROLLERS) {
      throw CgroupException.of(Errno.EINVAL, "CGDEV-TOO-MANY-CONTROLLERS: %d controllers, at most %d are supported: %s",
          byName.size(), ControllerEntry.MAX_CONTROLLERS, byName.values());
    }
    if (byName.isEmpty()) {
      diagnostics.report("CGDEV-NO-CONTROLLER", "no controller was found, so only the cgroup.* files work: put a "
          + "controller module (e.g. io.cgdev.controller.memory, io.cgdev.controller.cpu, io.cgdev.controller.cpuset) "
          + "on the module path or class path, or hand one to Cgroups.builder().controller(...)", null);
    }
    List<ControllerEntry<?>> sorted = new ArrayList<>(byName.values());
    sorted.sort(Comparator.comparing(ControllerEntry::name));
    List<ControllerEntry<?>> out = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      out.add(sorted.get(i).withIndex(i));
    }
    return out;
  }

  private static ControllerEntry<?> givenEntry(Controller<?> c) {
    try {
      ControllerEntry.checkName(c.name(), c.getClass());
    } catch (IllegalArgumentException ex) {
      throw new CgroupException(Errno.EINVAL, "CGDEV-BAD-CONTROLLER-NAME: " + ex.getMessage());
    }
    try {
      return ControllerEntry.of(c, 0);
    } catch (IllegalArgumentException ex) {
      throw new CgroupException(Errno.EINVAL, "CGDEV-BAD-CONTROLLER-FILES: " + ex.getMessage());
    }
  }

  /** The table of a discovered controller, or {@code null} (reported) if it is broken. */
  private ControllerEntry<?> discoveredEntry(Controller<?> c) {
    String origin = c.getClass().getName() + " from " + Diagnostics.origin(c.getClass());
    try {
      String name = c.name();
      try {
        ControllerEntry.checkName(name, c.getClass());
      } catch (IllegalArgumentException ex) {
        diagnostics.report("CGDEV-BAD-CONTROLLER-NAME", ex.getMessage() + " (" + origin + "); skipped", null);
        return null;
      }
      return ControllerEntry.of(c, 0);
    } catch (IllegalArgumentException ex) {
      diagnostics.report("CGDEV-BAD-CONTROLLER-FILES", ex.getMessage() + " (" + origin + "); skipped", null);
    } catch (CgroupException ex) {
      throw ex;
    } catch (RuntimeException | LinkageError ex) {
      diagnostics.report("CGDEV-PLUGIN-BROKEN", "controller " + origin + " failed while its table was read and was skipped: "
          + Diagnostics.describe(ex), ex);
    }
    return null;
  }

  private static void add(Map<String, ControllerEntry<?>> byName, ControllerEntry<?> e) {
    ControllerEntry<?> other = byName.putIfAbsent(e.name(), e);
    if (other != null) {
      throw CgroupException.of(Errno.EINVAL, "CGDEV-DUPLICATE-CONTROLLER: controllers %s (%s) and %s (%s) are both named '%s'; remove one",
          other.controller().getClass().getName(), Diagnostics.origin(other.controller().getClass()),
          e.controller().getClass().getName(), Diagnostics.origin(e.controller().getClass()), e.name());
    }
  }

  /**
   * The drivers, one per class and per name: a driver whose {@code name()} fails ({@code
   * CGDEV-PLUGIN-BROKEN}) or repeats an earlier one's ({@code CGDEV-DUPLICATE-DRIVER}) is skipped.
   */
  public List<DriverProvider> drivers(List<DriverProvider> given) {
    Set<Class<?>> seen = new HashSet<>();
    List<DriverProvider> all = new ArrayList<>();
    for (DriverProvider d : given) {
      if (seen.add(d.getClass())) {
        all.add(d);
      }
    }
    all.addAll(discovered(DriverProvider.class, seen));
    Map<String, DriverProvider> byName = new LinkedHashMap<>();
    for (DriverProvider d : all) {
      String name;
      try {
        name = d.name();
      } catch (RuntimeException | LinkageError ex) {
        diagnostics.report("CGDEV-PLUGIN-BROKEN", "driver " + d.getClass().getName() + " from " + Diagnostics.origin(d.getClass())
            + " failed in name() and was skipped: " + Diagnostics.describe(ex), ex);
        continue;
      }
      DriverProvider other = byName.putIfAbsent(name, d);
      if (other != null) {
        diagnostics.report("CGDEV-DUPLICATE-DRIVER", "drivers " + other.getClass().getName() + " and " + d.getClass().getName()
            + " (" + Diagnostics.origin(d.getClass()) + ") are both named '" + name + "'; the second was skipped", null);
      }
    }
    return List.copyOf(byName.values());
  }

  private <T> List<T> discovered(Class<T> type, Set<Class<?>> seen) {
    List<T> out = new ArrayList<>();
    if (discover) {
      out.addAll(PluginScan.scan(type, ServiceLoader.load(type), seen, diagnostics));
    }
    if (classLoader != null) {
      out.addAll(PluginScan.scan(type, ServiceLoader.load(type, classLoader), seen, diagnostics));
    }
    return out;
  }

  @SuppressWarnings({"unchecked", "rawtypes"}) // Controller is generic; ServiceLoader wants its raw class
  private static Class<Controller<?>> controllerType() {
    return (Class) Controller.class;
  }
}
