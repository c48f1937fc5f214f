package io.cgdev.cli.world;

import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DriverProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Third-party plugins from folders of jars, loaded into a module layer of their own (as an
 * application server would), so a plugin needs no rebuild of the tool. Their controllers and drivers
 * are found with {@link ServiceLoader} in that layer and handed to the core's builder.
 *
 * @param controllers controllers found, in discovery order
 * @param drivers drivers found
 * @param modules the names of the modules loaded
 */
public record PluginFolder(List<Controller<?>> controllers, List<DriverProvider> drivers, Set<String> modules) {
  /** No plugins. */
  public static final PluginFolder EMPTY = new PluginFolder(List.of(), List.of(), Set.of());

  /**
   * Loads every module found in the folders (jars or exploded modules) into a child layer of the
   * tool's layer.
   *
   * @throws IllegalArgumentException if a folder does not exist
   * @throws java.lang.module.FindException or {@link java.lang.module.ResolutionException} for
   *     broken plugin modules, naming them
   */
  public static PluginFolder load(List<Path> folders) {
    List<Path> entries = new ArrayList<>();
    for (Path folder : folders) {
      if (!Files.isDirectory(folder)) {
        throw new IllegalArgumentException("plugin folder " + folder + " does not exist");
      }
      try (Stream<Path> s = Files.list(folder)) {
        s.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(entries::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (entries.isEmpty()) {
      return EMPTY;
    }
    ModuleFinder finder = ModuleFinder.of(entries.toArray(Path[]::new));
    ModuleLayer parent = PluginFolder.class.getModule().getLayer();
    if (parent == null) {
      parent = ModuleLayer.boot();
    }
    Set<String> names = finder.findAll().stream().map(r -> r.descriptor().name()).collect(Collectors.toSet());
    // modules the tool already has (e.g. io.cgdev.api) come from the parent layer, not the folder
    final ModuleLayer base = parent;
    Set<String> fresh = names.stream().filter(n -> base.findModule(n).isEmpty()).collect(Collectors.toSet());
    Configuration cf = base.configuration().resolveAndBind(finder, ModuleFinder.of(), fresh);
    ModuleLayer layer = base.defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
    List<Controller<?>> controllers = new ArrayList<>();
    List<DriverProvider> drivers = new ArrayList<>();
    for (ServiceLoader.Provider<?> p : ServiceLoader.load(layer, Controller.class).stream().toList()) {
      if (p.type().getModule().getLayer() == layer) {
        controllers.add((Controller<?>) p.get());
      }
    }
    for (ServiceLoader.Provider<DriverProvider> p : ServiceLoader.load(layer, DriverProvider.class).stream().toList()) {
      if (p.type().getModule().getLayer() == layer) {
        drivers.add(p.get());
      }
    }
    return new PluginFolder(List.copyOf(controllers), List.copyOf(drivers), Set.copyOf(fresh));
  }
}
