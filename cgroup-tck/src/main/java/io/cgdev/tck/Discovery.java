package io.cgdev.tck;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The discovery rules a plugin must pass so that the core finds it wherever it is put: the checks
 * behind the kit's discovery tests, as static methods for authors who want them elsewhere. Each
 * returns nothing and throws an {@link AssertionError} whose message says what to add.
 *
 * <ul>
 *   <li>{@link #onClassPath}: {@code META-INF/services/<spi>} in the plugin's jar (or classes folder)
 *       lists the provider, and a {@link ServiceLoader} over that location finds it;
 *   <li>{@link #onModulePath}: the module declares {@code provides <spi> with <provider>}, and a
 *       {@link ServiceLoader} over a module layer built from the location (and the explicit modules of
 *       the class path it requires) finds it;
 *   <li>{@link #providesAndServicesAgree}: for every cgdev SPI, the module's {@code provides} and the
 *       services files name the same classes;
 *   <li>{@link #bundleManifest}: if the jar is an OSGi bundle, its symbolic name, exports and {@code
 *       osgi.serviceloader} capabilities match the module.
 * </ul>
 */
public final class Discovery {
  /** The SPI types the core looks up. */
  public static final List<String> SPIS = List.of("io.cgdev.api.spi.Controller", "io.cgdev.api.spi.DriverProvider");

  private Discovery() {}

  /** Where a class was loaded from: its jar or classes folder. */
  public static Path location(Class<?> type) {
    CodeSource cs = type.getProtectionDomain().getCodeSource();
    if (cs == null || cs.getLocation() == null) {
      throw new AssertionError(type.getName() + " has no code source: the kit cannot tell where it was loaded from");
    }
    try {
      return Path.of(cs.getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError("cannot read the location of " + type.getName() + ": " + cs.getLocation(), e);
    }
  }

  /**
   * The provider is listed in {@code META-INF/services/<spi>} of its location and found there by a
   * {@link ServiceLoader}, as the core finds it on the class path.
   */
  public static void onClassPath(Class<?> provider, Class<?> spi) {
    Path at = location(provider);
    String file = "META-INF/services/" + spi.getName();
    Optional<String> content = read(at, file);
    if (content.isEmpty()) {
      throw new AssertionError(provider.getName() + " is not listed in " + file + " of " + at + ": on the class path "
          + "ServiceLoader will not find it and the plugin is silently ignored. Add the file src/main/resources/" + file
          + " containing the line: " + provider.getName());
    }
    if (!services(content.get()).contains(provider.getName())) {
      throw new AssertionError(file + " of " + at + " lists " + services(content.get()) + " but not " + provider.getName()
          + ": add the line " + provider.getName());
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {at.toUri().toURL()}, spi.getClassLoader())) {
      List<String> found = new ArrayList<>();
      for (ServiceLoader.Provider<?> p : ServiceLoader.load(spi, loader).stream().toList()) {
        found.add(p.type().getName());
      }
      if (!found.contains(provider.getName())) {
        throw new AssertionError("a ServiceLoader over " + at + " did not find " + provider.getName() + " (found " + found + ")");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The plugin's module declares {@code provides <spi> with <provider>} (or, for a jar without
   * {@code module-info}, its services file makes it an automatic module that does), and a {@link
   * ServiceLoader} over a module layer with the plugin finds it, as the core finds it on the module
   * path.
   */
  public static void onModulePath(Class<?> provider, Class<?> spi) {
    Path at = location(provider);
    ModuleDescriptor d = descriptor(at);
    boolean declared = d.provides().stream()
        .anyMatch(p -> p.service().equals(spi.getName()) && p.providers().contains(provider.getName()));
    if (!declared) {
      throw new AssertionError("module " + d.name() + " (" + at + ") does not declare that it provides " + spi.getName()
          + " with " + provider.getName() + ": on the module path ServiceLoader will not find it. "
          + (d.isAutomatic() ? "Add META-INF/services/" + spi.getName() + " with that class (or a module-info.java)"
              : "Add to module-info.java: provides " + spi.getName() + " with " + provider.getName() + ";"));
    }
    List<Path> path = new ArrayList<>();
    path.add(at);
    for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
      Path p = Path.of(entry);
      if (!entry.isBlank() && !p.equals(at) && Files.exists(p) && isExplicitModule(p)) {
        path.add(p);
      }
    }
    try {
      ModuleFinder finder = ModuleFinder.of(path.toArray(Path[]::new));
      Configuration cf = ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), Set.of(d.name()));
      ModuleLayer layer = ModuleLayer.boot().defineModulesWithManyLoaders(cf, ClassLoader.getPlatformClassLoader());
      Class<?> layerSpi = layer.findLoader("io.cgdev.api").loadClass(spi.getName());
      List<String> found = new ArrayList<>();
      for (ServiceLoader.Provider<?> p : ServiceLoader.load(layer, layerSpi).stream().toList()) {
        found.add(p.type().getName());
      }
      if (!found.contains(provider.getName())) {
        throw new AssertionError("a ServiceLoader over a module layer with " + d.name() + " did not find "
            + provider.getName() + " (found " + found + ")");
      }
    } catch (FindException | ResolutionException | LayerInstantiationException | IllegalArgumentException
        | ClassNotFoundException e) {
      throw new AssertionError("module " + d.name() + " (" + at + ") cannot be loaded on a module path made of it and "
          + "the explicit modules of the class path: " + e.getMessage(), e);
    }
  }

  /**
   * For every cgdev SPI, the module's {@code provides} and its {@code META-INF/services} file name
   * the same classes (a jar without {@code module-info} has only the services files, which agree
   * with themselves).
   */
  public static void providesAndServicesAgree(Class<?> pluginClass) {
    Path at = location(pluginClass);
    ModuleDescriptor d = descriptor(at);
    for (String spi : SPIS) {
      Set<String> provides = new TreeSet<>();
      d.provides().stream().filter(p -> p.service().equals(spi)).forEach(p -> provides.addAll(p.providers()));
      Set<String> listed = new TreeSet<>(read(at, "META-INF/services/" + spi).map(Discovery::services).orElse(Set.of()));
      if (!provides.equals(listed)) {
        throw new AssertionError("module " + d.name() + " (" + at + ") provides " + spi + " with " + provides
            + " but META-INF/services/" + spi + " lists " + listed + ": make them name the same classes, or the plugin "
            + "behaves differently on the module path and on the class path");
      }
    }
  }

  /**
   * If the plugin's jar carries an OSGi bundle manifest ({@code Bundle-SymbolicName}), its symbolic
   * name is the module's name, its {@code Export-Package} holds exactly the module's exported
   * packages, and every {@code provides} of a cgdev SPI is an {@code osgi.serviceloader} capability.
   *
   * @return false if there is no bundle manifest (nothing checked)
   */
  public static boolean bundleManifest(Class<?> pluginClass) {
    Path at = location(pluginClass);
    Optional<String> mf = read(at, "META-INF/MANIFEST.MF");
    if (mf.isEmpty()) {
      return false;
    }
    Manifest manifest;
    try {
      manifest = new Manifest(new java.io.ByteArrayInputStream(mf.get().getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new AssertionError("unreadable META-INF/MANIFEST.MF in " + at, e);
    }
    String bsn = manifest.getMainAttributes().getValue("Bundle-SymbolicName");
    if (bsn == null) {
      return false;
    }
    ModuleDescriptor d = descriptor(at);
    String name = bsn.split(";")[0].strip();
    if (!name.equals(d.name())) {
      throw new AssertionError(at + ": Bundle-SymbolicName " + name + " is not the module name " + d.name());
    }
    Set<String> exports = new TreeSet<>();
    String header = manifest.getMainAttributes().getValue("Export-Package");
    if (header != null) {
      for (String clause : splitClauses(header)) {
        exports.add(clause.split(";")[0].strip());
      }
    }
    Set<String> moduleExports = new TreeSet<>();
    d.exports().stream().filter(e -> !e.isQualified()).forEach(e -> moduleExports.add(e.source()));
    if (!exports.equals(moduleExports)) {
      throw new AssertionError(at + ": Export-Package " + exports + " differs from the exports of module " + d.name() + " "
          + moduleExports + ": list exactly the module's exports in the bnd instructions (docs/PLUGINS.md)");
    }
    String caps = manifest.getMainAttributes().getValue("Provide-Capability");
    for (ModuleDescriptor.Provides p : d.provides()) {
      if (SPIS.contains(p.service()) && (caps == null || !caps.contains("osgi.serviceloader=\"" + p.service() + "\"")
          && !caps.contains("osgi.serviceloader=" + p.service()))) {
        throw new AssertionError(at + ": module " + d.name() + " provides " + p.service() + " but the bundle has no "
            + "osgi.serviceloader capability for it: add -metainf-services: auto to the bnd instructions (docs/PLUGINS.md)");
      }
    }
    return true;
  }

  private static List<String> splitClauses(String header) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    StringBuilder cur = new StringBuilder();
    for (char c : header.toCharArray()) {
      if (c == '"') {
        depth ^= 1;
      }
      if (c == ',' && depth == 0) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  private static ModuleDescriptor descriptor(Path at) {
    try {
      Set<ModuleReference> refs = ModuleFinder.of(at).findAll();
      if (refs.size() != 1) {
        throw new AssertionError(at + " is not one module (found " + refs.size() + ")");
      }
      return refs.iterator().next().descriptor();
    } catch (FindException e) {
      throw new AssertionError(at + " cannot be read as a module: " + e.getMessage(), e);
    }
  }

  private static boolean isExplicitModule(Path entry) {
    if (Files.isDirectory(entry)) {
      return Files.isRegularFile(entry.resolve("module-info.class"));
    }
    if (!entry.toString().endsWith(".jar")) {
      return false;
    }
    try (ZipFile z = new ZipFile(entry.toFile())) {
      if (z.getEntry("module-info.class") != null) {
        return true;
      }
      return z.stream().anyMatch(e -> e.getName().startsWith("META-INF/versions/") && e.getName().endsWith("/module-info.class"));
    } catch (IOException e) {
      return false;
    }
  }

  /** A file of a jar or classes folder, or empty. */
  static Optional<String> read(Path at, String name) {
    try {
      if (Files.isDirectory(at)) {
        Path f = at.resolve(name);
        return Files.isRegularFile(f) ? Optional.of(Files.readString(f)) : Optional.empty();
      }
      try (ZipFile z = new ZipFile(at.toFile())) {
        ZipEntry e = z.getEntry(name);
        if (e == null) {
          return Optional.empty();
        }
        try (InputStream in = z.getInputStream(e)) {
          return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The class names of a services file: one a line, {@code #} comments and blanks left out. */
  static Set<String> services(String content) {
    Set<String> out = new LinkedHashSet<>();
    for (String line : content.split("\n")) {
      int hash = line.indexOf('#');
      String s = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }
}
