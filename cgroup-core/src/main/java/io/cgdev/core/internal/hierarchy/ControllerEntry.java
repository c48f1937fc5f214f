package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.core.internal.guard.Plugin;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A controller as the core keeps it (the kernel's cgroup_subsys with its ssid): the plugin, its dense
 * index (bit {@code 1L << index} in {@code cgroup.subtree_control} masks) and its file tables keyed
 * by full name ({@code memory.max}), read once at boot. Immutable.
 *
 * @param <S> the controller's state type
 */
public final class ControllerEntry<S extends DeviceState> {
  /** The controller name grammar. */
  public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  /** Names no controller may take: they are the core's own prefixes. */
  public static final Set<String> RESERVED = Set.of("cgroup", "devices");

  /** At most this many controllers, so that enable masks fit a long. */
  public static final int MAX_CONTROLLERS = 64;

  private final Controller<S> controller;
  private final String name;
  private final int index;
  private final Map<String, CgroupFile<CgroupHandle>> hostFiles;
  private final Map<String, CgroupFile<S>> deviceFiles;
  private final Plugin plugin;
  // declared name (events) to full name (memory.events), so that a notification builds no string
  private final Map<String, String> deviceFileNames;

  private ControllerEntry(Controller<S> controller, String name, int index,
      Map<String, CgroupFile<CgroupHandle>> hostFiles, Map<String, CgroupFile<S>> deviceFiles) {
    this.controller = controller;
    this.name = name;
    this.index = index;
    this.hostFiles = hostFiles;
    this.deviceFiles = deviceFiles;
    this.plugin = Plugin.controller(name, controller.getClass());
    Map<String, String> names = new java.util.HashMap<>();
    deviceFiles.forEach((full, f) -> names.put(f.name(), full));
    this.deviceFileNames = Map.copyOf(names);
  }

  /**
   * Reads a controller's table: name and files (each called once).
   *
   * @throws IllegalArgumentException if the table is inconsistent (bad name, a file declared twice,
   *     a host file named {@code devices} that would hide the per-device folder); what the plugin's
   *     methods throw propagates
   */
  public static <S extends DeviceState> ControllerEntry<S> of(Controller<S> controller, int index) {
    String name = controller.name();
    checkName(name, controller.getClass());
    Map<String, CgroupFile<CgroupHandle>> host = new LinkedHashMap<>();
    for (CgroupFile<CgroupHandle> f : List.copyOf(controller.hostFiles())) {
      if (f.name().equals("devices")) {
        throw new IllegalArgumentException("controller " + name + " (" + controller.getClass().getName()
            + ") declares a host file 'devices', which would hide its " + name + ".devices folder");
      }
      if (host.put(name + "." + f.name(), f) != null) {
        throw new IllegalArgumentException("controller " + name + " declares host file " + f.name() + " twice");
      }
    }
    Map<String, CgroupFile<S>> device = new LinkedHashMap<>();
    for (CgroupFile<S> f : List.copyOf(controller.deviceFiles())) {
      if (device.put(name + "." + f.name(), f) != null) {
        throw new IllegalArgumentException("controller " + name + " declares device file " + f.name() + " twice");
      }
    }
    return new ControllerEntry<>(controller, name, index,
        Collections.unmodifiableMap(host), Collections.unmodifiableMap(device));
  }

  /**
   * Checks a controller name against the grammar and the reserved names.
   *
   * @throws IllegalArgumentException naming the name and the class
   */
  public static void checkName(String name, Class<?> type) {
    if (name == null || !NAME.matcher(name).matches() || RESERVED.contains(name)) {
      throw new IllegalArgumentException("controller " + type.getName() + " has the invalid name '" + name
          + "': it must match [a-z][a-z0-9_]* and not be 'cgroup' or 'devices'");
    }
  }

  /** This entry with another index (indices follow the name order, fixed at boot). */
  public ControllerEntry<S> withIndex(int newIndex) {
    return new ControllerEntry<>(controller, name, newIndex, hostFiles, deviceFiles);
  }

  public Controller<S> controller() {
    return controller;
  }

  public String name() {
    return name;
  }

  /** The controller as diagnostics name it (class, module, jar). */
  public Plugin plugin() {
    return plugin;
  }

  public int index() {
    return index;
  }

  /** This controller's bit in enable masks. */
  public long bit() {
    return 1L << index;
  }

  /** Host files by full name ({@code <name>.<file>}), in declaration order. */
  public Map<String, CgroupFile<CgroupHandle>> hostFiles() {
    return hostFiles;
  }

  /** The full name of the device file declared as {@code declared} ({@code events}), or {@code null}. */
  public String deviceFileName(String declared) {
    return deviceFileNames.get(declared);
  }

  /** Per-device files by full name, in declaration order. */
  public Map<String, CgroupFile<S>> deviceFiles() {
    return deviceFiles;
  }

  /**
   * Whether cgroups show a {@code <name>.devices} folder for this controller: only a controller with
   * per-device files has one (a view such as {@code dmem} shows every device in its host files).
   */
  public boolean hasDeviceFolder() {
    return !deviceFiles.isEmpty();
  }

  @Override
  public String toString() {
    return name + "(" + controller.getClass().getName() + ")";
  }
}
