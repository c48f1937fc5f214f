package io.cgdev.faults;

import io.cgdev.api.spi.Controller;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds the broken plugins of {@code src/faults}: each folder there is compiled (against the
 * cgroup-api jar as a module) into one jar, in a plugin folder of its own, with its {@code
 * META-INF/services} files. Built once per test JVM.
 */
final class FaultJars {
  /** Folder names of src/faults, in build order (absent before missingdep, which needs it). */
  static final List<String> FAULTS = List.of("ctor", "reader", "writer", "mkdirf", "bindf", "statef", "attachf", "lifef",
      "probef", "removef", "badname", "dupfiles", "twina", "twinb", "badservices", "absent", "missingdep", "nosim", "capf",
      "simf", "relf");
  /** Built but never put in a plugin folder: the module {@code missingdep} requires. */
  static final String NOT_IN_A_FOLDER = "absent";

  private static Map<String, Path> built;

  private FaultJars() {}

  /** The plugin folder of each fault (one jar each), built on first use. */
  static synchronized Map<String, Path> folders() {
    if (built == null) {
      built = build(Path.of(System.getProperty("cgdev.faults.sources", "src/faults")),
          Path.of(System.getProperty("cgdev.faults.out", "target/fault-plugins")));
    }
    return built;
  }

  /** Every folder but the ones of {@code except}, in the order given. */
  static List<Path> foldersExcept(List<String> order, String... except) {
    List<Path> out = new ArrayList<>();
    for (String f : order) {
      if (!f.equals(NOT_IN_A_FOLDER) && !List.of(except).contains(f)) {
        out.add(folders().get(f));
      }
    }
    return out;
  }

  static Path apiJar() {
    return location(Controller.class);
  }

  static Path location(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Path> build(Path sources, Path out) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    Map<String, Path> folders = new LinkedHashMap<>();
    try {
      for (String f : FAULTS) {
        Path src = sources.resolve(f);
        Path classes = out.resolve("classes").resolve(f);
        Path folder = out.resolve("plugins").resolve(f);
        Files.createDirectories(classes);
        Files.createDirectories(folder);
        List<String> files;
        try (Stream<Path> s = Files.walk(src)) {
          files = s.filter(p -> p.toString().endsWith(".java")).map(Path::toString).sorted().toList();
        }
        boolean modular = Files.exists(src.resolve("module-info.java"));
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "--release", "21", "-nowarn"));
        String path = apiJar() + (f.equals("missingdep") ? java.io.File.pathSeparator + folders.get("absent") : "");
        args.addAll(modular ? List.of("--module-path", path) : List.of("-cp", path));
        args.addAll(files);
        java.io.ByteArrayOutputStream diagnostics = new java.io.ByteArrayOutputStream();
        boolean ok = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new)) == 0;
        if (!ok) {
          throw new IllegalStateException("fault plugin " + f + " does not compile:\n" + diagnostics);
        }
        Path jar = folder.resolve(f + ".jar");
        writeJar(jar, classes, src.resolve("META-INF"));
        folders.put(f, f.equals(NOT_IN_A_FOLDER) ? jar : folder);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return folders;
  }

  private static void writeJar(Path jar, Path classes, Path metaInf) throws IOException {
    try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os)) {
      for (Path root : List.of(classes, metaInf.getParent())) {
        if (!Files.isDirectory(root)) {
          continue;
        }
        List<Path> entries;
        try (Stream<Path> s = Files.walk(root)) {
          entries = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path p : entries) {
          String name = root.relativize(p).toString().replace('\\', '/');
          if (root != classes && !name.startsWith("META-INF/")) {
            continue; // from the source folder, only META-INF
          }
          out.putNextEntry(new JarEntry(name));
          Files.copy(p, out);
          out.closeEntry();
        }
      }
    }
  }
}
