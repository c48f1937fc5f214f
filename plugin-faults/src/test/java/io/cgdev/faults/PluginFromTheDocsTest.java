package io.cgdev.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.spi.Controller;
import io.cgdev.archunit.CgdevRules;
import io.cgdev.controller.memory.MemoryController;
import io.cgdev.plugin.support.HierarchicalCounter;
import io.cgdev.tck.DriverConformance;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A plugin written only from docs/PLUGINS.md: every block marked {@code file=} is written into a fresh
 * Maven project, which is built offline with the repository's wrapper against a private local
 * repository holding this build's cgdev artifacts (copied in, not installed: the shared ~/.m2 is only
 * read, as the "tail" repository, for the third-party artifacts). The build must pass: the kit, its
 * discovery checks and the ArchUnit rule. Then, without its services files, the kit itself (a second
 * build) must fail, saying what to add. Time budget: the two nested builds take about 40 s and 30 s here,
 * each is killed after 5 minutes.
 */
class PluginFromTheDocsTest {
  private static final Pattern BLOCK = Pattern.compile("```[a-z]* file=(\\S+)\\n(.*?)\\n```", Pattern.DOTALL);
  private static final String VERSION = "0.1.0-SNAPSHOT";

  private final Path root = Path.of(System.getProperty("cgdev.root", "..")).toAbsolutePath().normalize();
  private final Path work = Path.of(System.getProperty("cgdev.docs.out", "target/plugin-from-docs")).toAbsolutePath();

  @Test
  void thePluginOfTheDocsBuildsAndPassesTheKitAndWithoutServicesFilesItFailsSayingWhatToAdd() throws Exception {
    Path project = writeProject();
    Path repo = privateRepository();
    Path log = work.resolve("build.log");
    List<String> cmd = List.of(root.resolve("mvnw").toString(), "-o", "-B", "-f", project.resolve("pom.xml").toString(),
        "-Dmaven.repo.local=" + repo, "-Dmaven.repo.local.tail=" + m2(), "verify");
    Process p = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("the plugin of docs/PLUGINS.md did not build in 5 minutes; see " + log);
    }
    String output = Files.readString(log);
    assertThat(p.exitValue()).as("the build of the plugin of docs/PLUGINS.md failed; see %s:%n%s", log, tail(output)).isZero();
    Path reports = project.resolve("target/surefire-reports");
    String summary = surefire(reports, "com.acme.accel.AcmeDriverConformanceTest") + surefire(reports,
        "com.acme.accel.PowerControllerConformanceTest") + surefire(reports, "com.acme.accel.BoundariesTest");
    assertThat(summary).contains("Failures: 0, Errors: 0").doesNotContain("Tests run: 0,");
    // the discovery checks ran and passed in both kits
    for (String cls : List.of("com.acme.accel.AcmeDriverConformanceTest", "com.acme.accel.PowerControllerConformanceTest")) {
      String xml = Files.readString(reports.resolve("TEST-" + cls + ".xml"));
      for (String test : List.of("theProviderIsFoundByServiceLoaderOnTheClassPath", "theProviderIsFoundByServiceLoaderOnTheModulePath",
          "providesAndMetaInfServicesAgree")) {
        assertThat(xml).contains("name=\"" + test + "\"");
        assertThat(testCase(xml, test)).as(cls + "." + test).doesNotContain("<failure").doesNotContain("<skipped").doesNotContain("<error");
      }
    }
    assertThat(project.resolve("target/acme-accel-1.0.0.jar")).exists();

    // without the services files the plugin is invisible on the class path: the kit fails, saying what to add
    deleteTree(project.resolve("src/main/resources/META-INF/services"));
    Path log2 = work.resolve("build-without-services.log");
    List<String> again = List.of(root.resolve("mvnw").toString(), "-o", "-B", "-f", project.resolve("pom.xml").toString(),
        "-Dmaven.repo.local=" + repo, "-Dmaven.repo.local.tail=" + m2(), "clean", "test", "-Dtest=*ConformanceTest");
    Process q = new ProcessBuilder(again).directory(project.toFile()).redirectErrorStream(true).redirectOutput(log2.toFile()).start();
    if (!q.waitFor(5, TimeUnit.MINUTES)) {
      q.destroyForcibly();
      throw new AssertionError("the plugin without services files did not build in 5 minutes; see " + log2);
    }
    String output2 = Files.readString(log2);
    assertThat(q.exitValue()).as("the kit must fail without the services files; see %s:%n%s", log2, tail(output2)).isNotZero();
    Map<String, String> expected = Map.of(
        "com.acme.accel.PowerControllerConformanceTest", "Add the file src/main/resources/META-INF/services/"
            + "io.cgdev.api.spi.Controller containing the line: com.acme.accel.power.PowerController",
        "com.acme.accel.AcmeDriverConformanceTest", "Add the file src/main/resources/META-INF/services/"
            + "io.cgdev.api.spi.DriverProvider containing the line: com.acme.accel.AcmeDriver");
    for (Map.Entry<String, String> e : expected.entrySet()) {
      String xml = Files.readString(reports.resolve("TEST-" + e.getKey() + ".xml"));
      assertThat(testCase(xml, "theProviderIsFoundByServiceLoaderOnTheClassPath")).as(e.getKey())
          .contains("<failure").contains(e.getValue());
      // on the module path, `provides` still finds it: only the missing file is reported
      assertThat(testCase(xml, "theProviderIsFoundByServiceLoaderOnTheModulePath")).as(e.getKey()).doesNotContain("<failure");
    }
  }

  /** The BOM pins the versions the build itself uses. */
  @Test
  void theBomPinsTheTestLibrariesAtTheBuildsVersions() throws IOException {
    String bom = Files.readString(root.resolve("cgdev-bom/pom.xml"));
    String parent = Files.readString(root.resolve("pom.xml"));
    for (String prop : List.of("junit.version", "archunit.version", "slf4j.version")) {
      assertThat(value(bom, prop)).as(prop).isEqualTo(value(parent, prop));
    }
    assertThat(bom).contains("<artifactId>cgroup-tck</artifactId>", "<artifactId>cgroup-plugin-support</artifactId>",
        "<artifactId>archunit-junit5</artifactId>", "<artifactId>junit-bom</artifactId>", "<artifactId>slf4j-simple</artifactId>");
  }

  private static String value(String pom, String prop) {
    Matcher m = Pattern.compile("<" + Pattern.quote(prop) + ">([^<]+)</").matcher(pom);
    return m.find() ? m.group(1) : null;
  }

  private Path writeProject() throws IOException {
    String doc = Files.readString(root.resolve("docs/PLUGINS.md"));
    Path project = work.resolve("acme-accel");
    deleteTree(work);
    Matcher m = BLOCK.matcher(doc);
    int files = 0;
    while (m.find()) {
      Path f = project.resolve(m.group(1));
      Files.createDirectories(f.getParent());
      Files.writeString(f, m.group(2) + "\n");
      files++;
    }
    assertThat(files).as("file= blocks in docs/PLUGINS.md").isGreaterThanOrEqualTo(12);
    return project;
  }

  /** A local repository with this build's cgdev artifacts, as `mvn install` would lay them out. */
  private Path privateRepository() throws IOException {
    Path repo = work.resolve("repository");
    put(repo, "cgdev-parent", root.resolve("pom.xml"), null);
    put(repo, "cgdev-bom", root.resolve("cgdev-bom/pom.xml"), null);
    Map<String, Class<?>> artifacts = Map.of(
        "cgroup-api", Controller.class,
        "cgroup-core", io.cgdev.core.Cgroups.class,
        "cgroup-plugin-support", HierarchicalCounter.class,
        "cgroup-tck", DriverConformance.class,
        "controller-memory", MemoryController.class,
        "cgroup-archunit", CgdevRules.class);
    for (Map.Entry<String, Class<?>> a : artifacts.entrySet()) {
      put(repo, a.getKey(), root.resolve(a.getKey()).resolve("pom.xml"), FaultJars.location(a.getValue()));
    }
    return repo;
  }

  private static void put(Path repo, String artifact, Path pom, Path jarOrClasses) throws IOException {
    Path dir = repo.resolve("io/cgdev").resolve(artifact).resolve(VERSION);
    Files.createDirectories(dir);
    Files.copy(pom, dir.resolve(artifact + "-" + VERSION + ".pom"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    if (jarOrClasses != null) {
      Path jar = dir.resolve(artifact + "-" + VERSION + ".jar");
      if (Files.isDirectory(jarOrClasses)) {
        zip(jarOrClasses, jar); // a build that stopped before package: the classes folder as a jar
      } else {
        Files.copy(jarOrClasses, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static Path m2() {
    String configured = System.getProperty("cgdev.m2");
    return configured != null && !configured.isBlank() ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".m2", "repository");
  }

  private static String surefire(Path reports, String cls) throws IOException {
    Path txt = reports.resolve(cls + ".txt");
    assertThat(txt).as("surefire report of " + cls).exists();
    return Files.readString(txt).lines().filter(l -> l.startsWith("Tests run")).findFirst().orElse("") + "\n";
  }

  private static String testCase(String xml, String name) {
    int at = xml.indexOf("name=\"" + name + "\"");
    int end = xml.indexOf("</testcase>", at);
    int next = xml.indexOf("<testcase", at + 1);
    return xml.substring(at, next >= 0 && (end < 0 || next < end) ? next : end < 0 ? xml.length() : end);
  }

  private static String tail(String s) {
    List<String> lines = s.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
  }

  private static void zip(Path dir, Path jar) throws IOException {
    try (OutputStream os = Files.newOutputStream(jar); ZipOutputStream out = new ZipOutputStream(os); Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new ZipEntry(dir.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, out);
        out.closeEntry();
      }
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      List<Path> all = new ArrayList<>(s.toList());
      for (Path x : all.reversed()) {
        Files.delete(x);
      }
    }
  }
}
