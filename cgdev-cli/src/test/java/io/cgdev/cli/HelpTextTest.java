package io.cgdev.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The help reads whole and docs/CLI.md matches the code: every command's summary is one sentence
 * that fits its line of {@code cgdev --help}, every description paragraph is whole sentences, every
 * {@code --help} ends with an example and fits 80 columns, and the commands and options that
 * docs/CLI.md documents are exactly those of the picocli model.
 */
class HelpTextTest {
  private static final Path DOC = Path.of("../docs/CLI.md");
  private static final int WIDTH = 80;

  private final CommandLine cli = Main.commandLine();

  private String help(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    assertThat(code).as("cgdev %s: %s", String.join(" ", args), err).isZero();
    return out.toString();
  }

  @Test
  void everySummaryIsOneSentenceOnOneLine() {
    String root = help("--help");
    List<String> listed = new ArrayList<>();
    boolean inCommands = false;
    for (String line : root.split("\n")) {
      if (line.equals("Commands:")) {
        inCommands = true;
      } else if (inCommands && line.isBlank()) {
        break;
      } else if (inCommands) {
        assertThat(line).as("a command's summary on one line, not wrapped").matches("  \\S+ +\\S.*");
        listed.add(line.strip().split(" +", 2)[0]);
      }
    }
    assertThat(listed).containsExactlyElementsOf(cli.getSubcommands().keySet());
    cli.getSubcommands().forEach((name, sub) -> {
      String[] header = sub.getCommandSpec().usageMessage().header();
      String summary = header.length > 0 ? header[0] : sub.getCommandSpec().usageMessage().description()[0];
      assertThat(header.length).as("%s: a one-line header", name).isLessThanOrEqualTo(1);
      assertThat(summary).as("%s's summary is one sentence", name).matches("[A-Z][^.]*(\\.[a-z0-9][^.]*)*\\.");
    });
  }

  @Test
  void everyDescriptionIsWholeSentences() {
    for (CommandLine c : commands()) {
      for (String paragraph : c.getCommandSpec().usageMessage().description()) {
        // picocli's own help command frames its paragraphs with %n
        assertThat(paragraph.replace("%n", "")).as("cgdev %s: a paragraph of whole sentences", c.getCommandName())
            .matches("[A-Za-z].*[.)]").doesNotContain("\n");
      }
    }
  }

  @Test
  void everyHelpEndsWithAnExampleAndFitsEightyColumns() {
    for (CommandLine c : commands()) {
      String name = c == cli ? "" : c.getCommandName();
      String text = name.isEmpty() ? help("--help") : help("help", name);
      String[] footer = c.getCommandSpec().usageMessage().footer();
      assertThat(c.getCommandSpec().usageMessage().footerHeading()).as("cgdev %s: Example heading", name).contains("Example");
      assertThat(footer).as("cgdev %s: an example that runs the command", name)
          .anyMatch(line -> line.startsWith("  ") && line.contains(("cgdev " + name).strip()));
      for (String line : text.split("\n")) {
        assertThat(line.length()).as("cgdev %s --help: '%s'", name, line).isLessThanOrEqualTo(WIDTH);
      }
      for (String example : footer) {
        assertThat(text).as("cgdev %s: the example is printed unwrapped", name).contains(example + "\n");
      }
    }
  }

  @Test
  void docsListEveryCommand() throws IOException {
    Set<String> documented = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\| `cgdev (\\w+)").matcher(Files.readString(DOC));
    while (m.find()) {
      documented.add(m.group(1));
    }
    assertThat(documented).isEqualTo(new TreeSet<>(cli.getSubcommands().keySet()));
  }

  @Test
  void docsDocumentExactlyTheOptionsOfEveryCommand() throws IOException {
    Map<String, Set<String>> documented = documentedOptions();
    cli.getSubcommands().forEach((name, sub) -> {
      if (name.equals("help")) {
        return;
      }
      Set<String> model = new TreeSet<>();
      for (OptionSpec o : sub.getCommandSpec().options()) {
        model.addAll(List.of(o.names()));
      }
      assertThat(documented.getOrDefault(name, Set.of())).as("docs/CLI.md's options of cgdev %s", name).isEqualTo(model);
    });
  }

  /**
   * The options docs/CLI.md's "Options" section documents, per command: each table there follows a
   * line naming the commands it is for ({@code `demo`, `run`:}, or "Shared by the commands that boot
   * a hierarchy"); an option is every backquoted word starting with {@code -} in a row's first cell.
   */
  private Map<String, Set<String>> documentedOptions() throws IOException {
    String doc = Files.readString(DOC);
    String section = doc.substring(doc.indexOf("\n## Options\n"));
    section = section.substring(0, section.indexOf("\n## ", 2));
    Map<String, Set<String>> out = new LinkedHashMap<>();
    List<String> current = List.of();
    Pattern code = Pattern.compile("`([^`]+)`");
    for (String line : section.split("\n")) {
      if (line.startsWith("Shared by the commands that boot a hierarchy")) {
        // fleet boots its own hierarchies, one per node, from its own options (docs/CLI.md)
        current = cli.getSubcommands().keySet().stream().filter(n -> !n.equals("help") && !n.equals("fleet")).toList();
      } else if (line.startsWith("`") && line.contains(":")) {
        List<String> names = new ArrayList<>();
        Matcher m = code.matcher(line.substring(0, line.indexOf(':')));
        while (m.find()) {
          names.add(m.group(1).split(" ")[0]);
        }
        current = names;
      } else if (line.startsWith("| `")) {
        String cell = line.substring(1).split("(?<!\\\\)\\|")[0];
        Matcher m = code.matcher(cell);
        while (m.find()) {
          String word = m.group(1).split(" ")[0];
          if (word.startsWith("-")) {
            for (String command : current) {
              out.computeIfAbsent(command, k -> new TreeSet<>()).add(word);
            }
          }
        }
      }
    }
    return out;
  }

  private List<CommandLine> commands() {
    List<CommandLine> all = new ArrayList<>();
    all.add(cli);
    all.addAll(cli.getSubcommands().values());
    return all;
  }
}
