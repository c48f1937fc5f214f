package io.cgdev.osgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every cgdev library jar is an OSGi bundle whose metadata says what its module-info says: the
 * symbolic name is the module name, Export-Package lists exactly the JPMS exports (nothing internal),
 * every {@code provides} is an {@code osgi.serviceloader} capability with its META-INF/services file,
 * and every {@code uses} an {@code osgi.serviceloader} requirement plus the processor extender.
 */
class BundleManifestsIT {
  private static final Pattern CLAUSE_NAME = Pattern.compile("(?:^|,)([A-Za-z0-9_.]+)(?=[;,]|$)");
  private static final Pattern SERVICELOADER = Pattern.compile("osgi\\.serviceloader(?:=|\\)?=)\"?([A-Za-z0-9_.]+)");

  static List<Path> libraries() {
    return OsgiRuntime.jarsIn(Path.of(System.getProperty("cgdev.bundles"))).stream()
        .filter(p -> p.getFileName().toString().matches("(cgroup-api|cgroup-core|controller-.*|driver-.*)-[0-9].*\\.jar"))
        .toList();
  }

  @ParameterizedTest
  @MethodSource("libraries")
  void bundleHeadersMatchTheModuleDescriptor(Path jar) throws IOException {
    ModuleDescriptor module = ModuleFinder.of(jar).findAll().stream().map(ModuleReference::descriptor)
        .findFirst().orElseThrow();
    try (JarFile jf = new JarFile(jar.toFile())) {
      Attributes main = jf.getManifest().getMainAttributes();
      assertThat(main.getValue("Bundle-SymbolicName")).isEqualTo(module.name());

      Set<String> jpmsExports = module.exports().stream().filter(e -> !e.isQualified())
          .map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
      assertThat(names(unquoted(main.getValue("Export-Package")))).as("Export-Package of " + module.name())
          .isEqualTo(jpmsExports);

      Set<String> provided = module.provides().stream().map(ModuleDescriptor.Provides::service)
          .collect(Collectors.toCollection(TreeSet::new));
      assertThat(serviceLoaderNames(main.getValue("Provide-Capability"))).as("provides of " + module.name())
          .isEqualTo(provided);
      for (ModuleDescriptor.Provides p : module.provides()) {
        var entry = jf.getJarEntry("META-INF/services/" + p.service());
        assertThat(entry).as("META-INF/services/" + p.service()).isNotNull();
        String listed = new String(jf.getInputStream(entry).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(listed.lines().map(String::strip).filter(l -> !l.isEmpty()).toList())
            .containsExactlyInAnyOrderElementsOf(p.providers());
      }

      String required = main.getValue("Require-Capability");
      assertThat(serviceLoaderNames(required)).as("uses of " + module.name()).isEqualTo(new TreeSet<>(module.uses()));
      if (!module.uses().isEmpty()) {
        assertThat(required).contains("osgi.extender=osgi.serviceloader.processor");
      }
    }
  }

  private static String unquoted(String header) {
    // drop quoted attribute values (uses:="a,b") so that their commas do not split clauses
    return header == null ? "" : header.replaceAll("\"[^\"]*\"", "\"\"");
  }

  private static Set<String> names(String header) {
    Set<String> out = new TreeSet<>();
    Matcher m = CLAUSE_NAME.matcher(header);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static Set<String> serviceLoaderNames(String header) {
    Set<String> out = new TreeSet<>();
    if (header == null) {
      return out;
    }
    for (String clause : header.split(",(?=osgi\\.)")) {
      if (clause.startsWith("osgi.serviceloader;")) {
        Matcher m = SERVICELOADER.matcher(clause.substring("osgi.serviceloader;".length()));
        if (m.find()) {
          out.add(m.group(1));
        }
      }
    }
    return out;
  }
}
