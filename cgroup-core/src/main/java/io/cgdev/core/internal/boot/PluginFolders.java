package io.cgdev.core.internal.boot;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.core.internal.guard.Diagnostics;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Plugin folders ({@code Cgroups.builder().pluginFolder(dir)}, {@code cgdev --plugins DIR}): the
 * jars of each folder are loaded as the core itself was, so that a plugin behaves the same whichever
 * way it arrives.
 *
 * <ul>
 *   <li>The core in a named module (module path, a module layer): each folder becomes a module layer
 *       of its own, a child of the core's layer, one class loader per module. Modules the parent
 *       layer already has (a copy of {@code io.cgdev.api} shipped in the folder, say) are taken from
 *       the parent. Plugins are found by the {@code provides} of their module descriptors (and the
 *       {@code META-INF/services} of jars without one, which become automatic modules).
 *   <li>The core on the class path: each folder becomes a class loader over its jars, a child of the
 *       core's, and plugins are found by their {@code META-INF/services} files, as on the class path.
 * </ul>
 *
 * <p>Every {@code *.jar} of a folder is loaded, except {@code -sources}, {@code -javadoc} and {@code
 * -tests} jars (so a Maven build folder can serve as a plugin folder). A jar that cannot be read as a module, or a module whose {@code requires} cannot be resolved, is
 * reported ({@code CGDEV-PLUGIN-BROKEN}, naming the jar) and left out; the rest of its folder loads.
 * A folder that does not exist stops the boot ({@code CGDEV-PLUGIN-FOLDER}): it is the caller's
 * mistake, not a plugin's. Runs once, on the booting thread.
 */
final class PluginFolders {
  /** One folder, loaded: where to look for its providers. */
  record Source(Path folder, ServiceLoaders loaders) {}

  /** ServiceLoaders over one folder's plugins only. */
  interface ServiceLoaders {
    <T> ServiceLoader<T> load(Class<T> service);

    /** True if a provider class was loaded from this folder (not from a parent). */
    boolean owns(Class<?> type);
  }

  private PluginFolders() {}

  /**
   * Loads every folder.
   *
   * @throws CgroupException {@code ENOENT} ({@code CGDEV-PLUGIN-FOLDER}) for a folder that does not
   *     exist or cannot be listed
   */
  static List<Source> load(List<Path> folders, Diagnostics diagnostics) {
    List<Source> out = new ArrayList<>();
    for (Path folder : folders) {
      List<Path> jars = jars(folder);
      if (jars.isEmpty()) {
        continue;
      }
      Module core = PluginFolders.class.getModule();
      ServiceLoaders loaders = core.isNamed() && core.getLayer() != null
          ? layer(folder, jars, core.getLayer(), diagnostics)
          : classLoader(jars);
      if (loaders != null) {
        out.add(new Source(folder, loaders));
      }
    }
    return out;
  }

  private static List<Path> jars(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw CgroupException.of(Errno.ENOENT, "CGDEV-PLUGIN-FOLDER: plugin folder %s does not exist or is not a folder", folder);
    }
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> isPluginJar(p.getFileName().toString()) && Files.isRegularFile(p)).sorted().toList();
    } catch (IOException e) {
      throw CgroupException.of(Errno.ENOENT, "CGDEV-PLUGIN-FOLDER: cannot list plugin folder %s: %s", folder, e);
    }
  }

  /** A jar, but not one of the sources, javadoc or test jars a build folder holds beside it. */
  private static boolean isPluginJar(String name) {
    return name.endsWith(".jar") && !name.endsWith("-sources.jar") && !name.endsWith("-javadoc.jar")
        && !name.endsWith("-tests.jar");
  }

  /** The core is on the class path: the folder's jars as a class path of their own. */
  private static ServiceLoaders classLoader(List<Path> jars) {
    URL[] urls = new URL[jars.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = jars.get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw new IllegalStateException("a file path that is no URL: " + jars.get(i), e);
      }
    }
    URLClassLoader loader = new URLClassLoader("cgdev-plugins", urls, PluginFolders.class.getClassLoader());
    return new ServiceLoaders() {
      @Override
      public <T> ServiceLoader<T> load(Class<T> service) {
        return ServiceLoader.load(service, loader);
      }

      @Override
      public boolean owns(Class<?> type) {
        return type.getClassLoader() == loader;
      }
    };
  }

  /** The core is in a module layer: the folder's modules as a child layer; {@code null} if none resolves. */
  private static ServiceLoaders layer(Path folder, List<Path> jars, ModuleLayer parent, Diagnostics diagnostics) {
    Map<String, Path> modules = new LinkedHashMap<>();
    for (Path jar : jars) {
      try {
        for (ModuleReference ref : ModuleFinder.of(jar).findAll()) {
          String name = ref.descriptor().name();
          if (parent.findModule(name).isPresent()) {
            continue; // the core's layer has it: the plugins share that copy
          }
          Path other = modules.putIfAbsent(name, jar);
          if (other != null) {
            diagnostics.report("CGDEV-PLUGIN-BROKEN", "module " + name + " is in two jars of plugin folder " + folder + ": "
                + other.getFileName() + " and " + jar.getFileName() + "; " + jar.getFileName() + " was skipped", null);
          }
        }
      } catch (FindException e) {
        diagnostics.report("CGDEV-PLUGIN-BROKEN", "plugin jar " + jar + " cannot be read as a module and was skipped: "
            + Diagnostics.describe(e), e);
      }
    }
    if (modules.isEmpty()) {
      return null;
    }
    ModuleFinder finder = ModuleFinder.of(Set.copyOf(modules.values()).toArray(Path[]::new));
    Set<String> roots = new LinkedHashSet<>(modules.keySet());
    Configuration cf = resolve(parent, finder, roots);
    if (cf == null) {
      // find the modules that resolve on their own, report the others, and take those that do
      Set<String> good = new LinkedHashSet<>();
      for (String m : roots) {
        try {
          parent.configuration().resolve(finder, ModuleFinder.of(), Set.of(m));
          good.add(m);
        } catch (FindException | ResolutionException e) {
          diagnostics.report("CGDEV-PLUGIN-BROKEN", "plugin module " + m + " (" + modules.get(m) + ") cannot be resolved "
              + "and was skipped: " + Diagnostics.describe(e), e);
        }
      }
      cf = good.isEmpty() ? null : resolve(parent, finder, good);
      if (cf == null) {
        if (!good.isEmpty()) {
          diagnostics.report("CGDEV-PLUGIN-BROKEN", "the modules of plugin folder " + folder + " " + good
              + " resolve one by one but not together (two of them export one package?); the folder was skipped", null);
        }
        return null;
      }
    }
    ModuleLayer layer;
    try {
      layer = parent.defineModulesWithManyLoaders(cf, PluginFolders.class.getClassLoader());
    } catch (LayerInstantiationException e) {
      diagnostics.report("CGDEV-PLUGIN-BROKEN", "the modules of plugin folder " + folder + " cannot be loaded and were "
          + "skipped: " + Diagnostics.describe(e), e);
      return null;
    }
    return new ServiceLoaders() {
      @Override
      public <T> ServiceLoader<T> load(Class<T> service) {
        return ServiceLoader.load(layer, service);
      }

      @Override
      public boolean owns(Class<?> type) {
        return type.getModule().getLayer() == layer;
      }
    };
  }

  private static Configuration resolve(ModuleLayer parent, ModuleFinder finder, Set<String> roots) {
    try {
      return parent.configuration().resolveAndBind(finder, ModuleFinder.of(), roots);
    } catch (FindException | ResolutionException e) {
      return null;
    }
  }
}
