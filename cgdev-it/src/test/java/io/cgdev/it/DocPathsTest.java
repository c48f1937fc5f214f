package io.cgdev.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the docs pointing at real files: every repository path a doc names in backticks exists, every
 * {@code Name.java} it names exists somewhere in the sources, and every Java type the architecture
 * page's tables and flows name (a backticked {@code Type} or {@code Type.member}) is declared in the
 * sources. A file moved or renamed without its doc fails here, naming the doc and the token.
 */
class DocPathsTest {
  private static final Pattern CODE = Pattern.compile("`([^`\\n]+)`");
  private static final Pattern REPO_PATH =
      Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)+\\.(java|md|yaml|yml|xml|json|csv|txt|properties)");
  private static final Pattern JAVA_FILE = Pattern.compile("[A-Z][A-Za-z0-9]*\\.java");
  /** A type name, optionally followed by a member: {@code GemPlacement.create}, {@code Reclaimer}. */
  private static final Pattern TYPE_REF = Pattern.compile("([A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*)(\\.[a-z][A-Za-z0-9]*)?(\\(.*\\))?");

  private static Path root;
  private static Set<String> javaFiles;
  private static String declarations;

  @BeforeAll
  static void scanSources() throws IOException {
    root = repositoryRoot();
    javaFiles = new TreeSet<>();
    StringBuilder decls = new StringBuilder();
    try (Stream<Path> files = Files.walk(root)) {
      files.filter(p -> p.toString().endsWith(".java") && !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
          .forEach(p -> {
            javaFiles.add(p.getFileName().toString());
            decls.append(read(p)).append('\n');
          });
    }
    declarations = decls.toString();
  }

  @Test
  void everyRepositoryPathNamedInTheDocsExists() throws IOException {
    List<String> missing = new ArrayList<>();
    for (Path doc : docs()) {
      for (String token : codeSpans(doc)) {
        for (String path : pathsIn(token)) {
          if (!Files.exists(root.resolve(path)) && !Files.exists(root.getParent().resolve(path.replaceFirst("^\\.\\./", "")))) {
            missing.add(root.relativize(doc) + ": `" + path + "`");
          }
        }
      }
    }
    assertThat(missing).as("paths named in docs that do not exist").isEmpty();
  }

  @Test
  void everyJavaFileNamedInTheDocsExists() throws IOException {
    List<String> missing = new ArrayList<>();
    for (Path doc : docs()) {
      for (String token : codeSpans(doc)) {
        Matcher m = JAVA_FILE.matcher(token);
        if (m.matches() && !javaFiles.contains(token)) {
          missing.add(root.relativize(doc) + ": `" + token + "`");
        }
      }
    }
    assertThat(missing).as("Java files named in docs that do not exist").isEmpty();
  }

  @Test
  void everyTypeTheArchitectureFlowsNameIsDeclared() {
    Path architecture = root.resolve("docs/ARCHITECTURE.md");
    String text = read(architecture);
    int from = text.indexOf("## 3.");
    int to = text.indexOf("## 5.");
    assertThat(from).as("ARCHITECTURE.md has §3").isGreaterThanOrEqualTo(0);
    assertThat(to).as("ARCHITECTURE.md has §5").isGreaterThan(from);
    List<String> missing = new ArrayList<>();
    int checked = 0;
    Matcher spans = CODE.matcher(text.substring(from, to));
    while (spans.find()) {
      String token = spans.group(1).trim();
      Matcher type = TYPE_REF.matcher(token);
      if (!type.matches()) {
        continue;
      }
      checked++;
      String name = type.group(1);
      if (!Pattern.compile("\\b(class|interface|record|enum)\\s+" + name + "\\b").matcher(declarations).find()) {
        missing.add(token);
      }
    }
    assertThat(checked).as("types named in ARCHITECTURE §3-§4").isGreaterThan(20);
    assertThat(missing).as("types named in ARCHITECTURE §3-§4 that no source declares").isEmpty();
  }

  private static List<String> pathsIn(String token) {
    List<String> paths = new ArrayList<>();
    if (token.startsWith("/") || token.contains("<") || token.contains("*") || token.contains("://")) {
      return paths;
    }
    Matcher m = REPO_PATH.matcher(token);
    while (m.find()) {
      String p = m.group();
      // a path beside a command line ("--scenario samples/x.yaml") still names a repository file
      if (m.start() == 0 || token.charAt(m.start() - 1) == ' ') {
        paths.add(p);
      }
    }
    return paths;
  }

  private static List<Path> docs() throws IOException {
    List<Path> docs = new ArrayList<>();
    docs.add(root.resolve("README.md"));
    try (Stream<Path> files = Files.list(root.resolve("docs"))) {
      files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }

  private static List<String> codeSpans(Path doc) {
    List<String> spans = new ArrayList<>();
    // fenced blocks are examples (shell sessions, poms): only inline spans name files
    String text = read(doc).replaceAll("(?s)```.*?```", "");
    Matcher m = CODE.matcher(text);
    while (m.find()) {
      spans.add(m.group(1).trim());
    }
    return spans;
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !(Files.isDirectory(dir.resolve("docs")) && Files.exists(dir.resolve("mvnw")))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("the repository root (a folder with docs/ and mvnw) above the working directory").isNotNull();
    return dir;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
