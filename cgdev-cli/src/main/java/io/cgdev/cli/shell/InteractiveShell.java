package io.cgdev.cli.shell;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The interactive front of {@link Shell}: a JLine line reader with history ({@code ~/.cgdev_history})
 * and completion of command names and paths. Runs on the calling thread until {@code exit} or
 * end of input.
 */
public final class InteractiveShell {
  private InteractiveShell() {}

  /** True when stdin and stdout are a terminal, so the shell should be interactive. */
  public static boolean isTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    // JDK 22+ may hand out a console for redirected streams; ask it when it can tell
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  /**
   * Reads and runs commands until {@code exit} or end of input.
   *
   * @return the exit code given to {@code exit}, else 0
   */
  public static int run(Shell shell) throws IOException {
    // the exec provider (stty) needs no native access, which would cost a JVM flag that also
    // disables the CDS archive's module optimisation for every other subcommand
    try (Terminal terminal = TerminalBuilder.builder().system(true).jni(false).ffm(false).exec(true).build()) {
      LineReader reader = LineReaderBuilder.builder()
          .terminal(terminal)
          .appName("cgdev")
          .completer((r, line, candidates) -> {
            if (line.wordIndex() == 0) {
              Shell.COMMANDS.keySet().forEach(c -> candidates.add(new Candidate(c)));
            } else {
              List<String> paths = shell.completePath(line.word());
              for (String p : paths) {
                boolean folder = p.endsWith("/");
                candidates.add(new Candidate(p, p, null, null, null, null, !folder));
              }
            }
          })
          .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"), ".cgdev_history"))
          .build();
      PrintWriter out = terminal.writer();
      out.println("cgdev shell: 'help' lists the commands, Tab completes, Ctrl-D leaves.");
      while (!shell.exited()) {
        String line;
        try {
          line = reader.readLine("cgdev:" + shell.cwd() + "$ ");
        } catch (UserInterruptException e) {
          continue;
        } catch (EndOfFileException e) {
          break;
        }
        shell.execute(line);
      }
      return shell.exitCode();
    }
  }
}
