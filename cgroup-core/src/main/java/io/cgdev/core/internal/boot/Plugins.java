package io.cgdev.core.internal.boot;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DriverProvider;
import io.cgdev.core.internal.guard.Diagnostics;
import io.cgdev.core.internal.guard.Plugin;
import io.cgdev.core.internal.hierarchy.ControllerEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Function;

/**
 * Collects the controllers and drivers of one boot: those handed to the builder first, then those
 * {@link ServiceLoader} finds on the module path and class path, in a further class loader, and in
 * plugin folders ({@link PluginFolders}); one instance per class, each discovered one on its own
 * guard. A problem with a given plugin stops the boot; one with a discovered plugin is a diagnostic
 * and the plugin is skipped.
 *
 * <p>Names are unique: two classes with one name are refused the same way whatever the order in
 * which they were found (path order, folder order), and the message names both with their origins,
 * sorted. If one of them was handed to the builder, that is an error ({@code
 * CGDEV-DUPLICATE-CONTROLLER}, {@code CGDEV-DUPLICATE-DRIVER}); if all were discovered, every one of
 * them is skipped with a diagnostic of that code. Used once, on the booting thread.
 */
public final class Plugins {
  private final boolean discover;
  private final ClassLoader classLoader;
  private final List<PluginFolders.Source> folders;
  private final Diagnostics diagnostics;
  private final Set<Class<?>> given = new HashSet<>();

  /**
   * @param discover whether to scan the module path and class path
   * @param classLoader a further loader to scan (OSGi, tests), or {@code null}
   * @param folders plugin folders to load and scan, in order
   * @throws CgroupException {@code ENOENT} ({@code CGDEV-PLUGIN-FOLDER}) for a missing folder
   */
  public Plugins(boolean discover, ClassLoader classLoader, List<Path> folders, Diagnostics diagnostics) {
    this.discover = discover;
    this.classLoader = classLoader;
    this.diagnostics = diagnostics;
    this.folders = PluginFolders.load(folders, diagnostics);
  }

  /**
   * The controllers' tables, with dense indices in name order.
   *
   * @throws CgroupException {@code EINVAL}: {@code CGDEV-DUPLICATE-CONTROLLER} involving a given
   *     controller, {@code CGDEV-BAD-CONTROLLER-NAME}, {@code CGDEV-BAD-CONTROLLER-FILES} or {@code
   *     CGDEV-PLUGIN-BROKEN} for a given controller, {@code CGDEV-TOO-MANY-CONTROLLERS}
   */
  public List<ControllerEntry<?>> controllers(List<Controller<?>> givenControllers) {
    Set<Class<?>> seen = new HashSet<>();
    List<ControllerEntry<?>> all = new ArrayList<>();
    for (Controller<?> c : givenControllers) {
      if (seen.add(c.getClass())) {
        given.add(c.getClass());
        all.add(givenEntry(c));
      }
    }
    for (Controller<?> c : discovered(controllerType(), seen)) {
      ControllerEntry<?> e = discoveredEntry(c);
      if (e != null) {
        all.add(e);
      }
    }
    List<ControllerEntry<?>> unique = unique(all, ControllerEntry::name, e -> e.controller().getClass(),
        "CGDEV-DUPLICATE-CONTROLLER", "controllers");
    if (unique.size() > ControllerEntry.MAX_CONTROLLERS) {
      throw CgroupException.of(Errno.EINVAL, "CGDEV-TOO-MANY-CONTROLLERS: %d controllers, at most %d are supported: %s",
          unique.size(), ControllerEntry.MAX_CONTROLLERS, unique);
    }
    if (unique.isEmpty()) {
      diagnostics.report("CGDEV-NO-CONTROLLER", "no controller was found, so only the cgroup.* files work: put a "
          + "controller module (e.g. io.cgdev.controller.memory, io.cgdev.controller.cpu, io.cgdev.controller.cpuset) "
          + "on the module path or class path, or hand one to Cgroups.builder().controller(...)", null);
    }
    List<ControllerEntry<?>> sorted = new ArrayList<>(unique);
    sorted.sort(Comparator.comparing(ControllerEntry::name));
    List<ControllerEntry<?>> out = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      out.add(sorted.get(i).withIndex(i));
    }
    return out;
  }

  private static ControllerEntry<?> givenEntry(Controller<?> c) {
    String name;
    try {
      name = c.name();
      ControllerEntry.checkName(name, c.getClass());
    } catch (IllegalArgumentException ex) {
      throw new CgroupException(Errno.EINVAL, "CGDEV-BAD-CONTROLLER-NAME: " + ex.getMessage());
    } catch (RuntimeException | LinkageError ex) {
      throw new CgroupException(Errno.EINVAL, "CGDEV-PLUGIN-BROKEN: controller " + Plugin.controller(null, c.getClass())
          + " failed in name(): " + Diagnostics.describe(ex), ex);
    }
    try {
      return ControllerEntry.of(c, 0);
    } catch (IllegalArgumentException ex) {
      throw new CgroupException(Errno.EINVAL, "CGDEV-BAD-CONTROLLER-FILES: " + ex.getMessage());
    } catch (RuntimeException | LinkageError ex) {
      throw new CgroupException(Errno.EINVAL, "CGDEV-PLUGIN-BROKEN: " + Plugin.controller(name, c.getClass())
          + " failed while its file tables were read: " + Diagnostics.describe(ex), ex);
    }
  }

  /** The table of a discovered controller, or {@code null} (reported) if it is broken. */
  private ControllerEntry<?> discoveredEntry(Controller<?> c) {
    String origin = c.getClass().getName() + " from " + Plugin.origin(c.getClass());
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
      diagnostics.report("CGDEV-PLUGIN-BROKEN", "controller " + origin + " failed while its table was read and was skipped: "
          + Diagnostics.describe(ex), ex);
    } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError ex) {
      diagnostics.report("CGDEV-PLUGIN-BROKEN", "controller " + origin + " failed while its table was read and was skipped: "
          + Diagnostics.describe(ex), ex);
    }
    return null;
  }

  /**
   * The plugins whose name no other class has. A name shared by several classes: an error if one of
   * them was given, else a diagnostic and none of them is kept. Order-independent: the message lists
   * the classes sorted by class name and origin.
   */
  private <T> List<T> unique(List<T> all, Function<T, String> name, Function<T, Class<?>> type, String code, String what) {
    Map<String, List<T>> byName = new LinkedHashMap<>();
    for (T t : all) {
      byName.computeIfAbsent(name.apply(t), k -> new ArrayList<>()).add(t);
    }
    List<T> out = new ArrayList<>();
    for (Map.Entry<String, List<T>> e : byName.entrySet()) {
      List<T> same = e.getValue();
      if (same.size() == 1) {
        out.add(same.getFirst());
        continue;
      }
      List<String> origins = same.stream().map(t -> type.apply(t).getName() + " (" + Plugin.origin(type.apply(t)) + ")")
          .sorted().toList();
      String msg = what + " " + String.join(" and ", origins) + " are all named '" + e.getKey() + "'";
      if (same.stream().anyMatch(t -> given.contains(type.apply(t)))) {
        throw new CgroupException(Errno.EINVAL, code + ": " + msg + "; remove one");
      }
      diagnostics.report(code, msg + "; none of them was loaded: remove all but one", null);
    }
    return out;
  }

  /**
   * The drivers, one per class and per name: a driver whose {@code name()} fails ({@code
   * CGDEV-PLUGIN-BROKEN}) is skipped, and so are discovered drivers that share a name ({@code
   * CGDEV-DUPLICATE-DRIVER}; an error if one of them was given). Given drivers first, in the order
   * given, then discovered ones by name, so that the probe order does not depend on the path order.
   *
   * @throws CgroupException {@code EINVAL} ({@code CGDEV-DUPLICATE-DRIVER}) for a name shared with a given driver
   */
  public List<DriverProvider> drivers(List<DriverProvider> givenDrivers) {
    Set<Class<?>> seen = new HashSet<>();
    List<DriverProvider> all = new ArrayList<>();
    for (DriverProvider d : givenDrivers) {
      if (seen.add(d.getClass())) {
        given.add(d.getClass());
        all.add(d);
      }
    }
    all.addAll(discovered(DriverProvider.class, seen));
    Map<DriverProvider, String> names = new LinkedHashMap<>();
    for (DriverProvider d : all) {
      try {
        String n = d.name();
        if (n == null) {
          throw new NullPointerException("name() returned null");
        }
        names.put(d, n);
      } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError ex) {
        diagnostics.report("CGDEV-PLUGIN-BROKEN", "driver " + d.getClass().getName() + " from " + Plugin.origin(d.getClass())
            + " failed in name() and was skipped: " + Diagnostics.describe(ex), ex);
      }
    }
    List<DriverProvider> unique = unique(List.copyOf(names.keySet()), names::get, Object::getClass,
        "CGDEV-DUPLICATE-DRIVER", "drivers");
    List<DriverProvider> out = new ArrayList<>();
    unique.stream().filter(d -> given.contains(d.getClass())).forEach(out::add);
    unique.stream().filter(d -> !given.contains(d.getClass())).sorted(Comparator.comparing(names::get)).forEach(out::add);
    return List.copyOf(out);
  }

  private <T> List<T> discovered(Class<T> type, Set<Class<?>> seen) {
    List<T> out = new ArrayList<>();
    if (discover) {
      out.addAll(PluginScan.scan(type, ServiceLoader.load(type), seen, c -> true, diagnostics));
    }
    if (classLoader != null) {
      out.addAll(PluginScan.scan(type, ServiceLoader.load(type, classLoader), seen, c -> true, diagnostics));
    }
    for (PluginFolders.Source f : folders) {
      out.addAll(PluginScan.scan(type, f.loaders().load(type), seen, f.loaders()::owns, diagnostics));
    }
    return out;
  }

  @SuppressWarnings({"unchecked", "rawtypes"}) // Controller is generic; ServiceLoader wants its raw class
  private static Class<Controller<?>> controllerType() {
    return (Class) Controller.class;
  }
}
