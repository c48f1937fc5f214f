package io.cgdev.cli.shell;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.Errno;
import io.cgdev.api.FsEntry;
import io.cgdev.cli.tree.TreeWalker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The command interpreter of {@code cgdev shell}: {@code ls cat echo mkdir rmdir tree cd pwd help
 * exit} over a {@link CgroupFs}, one line at a time. Used by the interactive shell (JLine), by script
 * mode ({@link #runScript}) and by tests through in-memory streams.
 *
 * <p>A failed command prints {@code <command>: <path>: <ERRNO>: <strerror> (<message>)} on the
 * error stream and the shell goes on; {@link #failures()} counts them. Not thread-safe: one shell
 * belongs to one reader.
 */
public final class Shell {
  /** Command names and their one-line help, in the order {@code help} prints them. */
  public static final Map<String, String> COMMANDS = orderedHelp();

  private final CgroupFs fs;
  private final PrintWriter out;
  private final PrintWriter err;
  private String cwd = "/";
  private int failures;
  private Integer exitCode;

  public Shell(CgroupFs fs, PrintWriter out, PrintWriter err) {
    this.fs = Objects.requireNonNull(fs, "fs");
    this.out = Objects.requireNonNull(out, "out");
    this.err = Objects.requireNonNull(err, "err");
  }

  private static Map<String, String> orderedHelp() {
    var m = new java.util.LinkedHashMap<String, String>();
    m.put("ls", "ls [-l] [PATH]           list a folder (folders end in /)");
    m.put("cat", "cat FILE...              print interface files");
    m.put("echo", "echo VALUE > FILE        write one value to a file (quote values with spaces)");
    m.put("mkdir", "mkdir PATH...            create cgroups");
    m.put("rmdir", "rmdir PATH...            remove empty cgroups");
    m.put("tree", "tree [-a] [PATH]         show the tree with per-device files (-a: with cgroup.* files)");
    m.put("cd", "cd [PATH]                change the current folder (default /)");
    m.put("pwd", "pwd                      print the current folder");
    m.put("help", "help                     this list");
    m.put("exit", "exit [CODE]              leave the shell");
    return java.util.Collections.unmodifiableMap(m);
  }

  /** The current folder, absolute. */
  public String cwd() {
    return cwd;
  }

  /** Commands that failed so far. */
  public int failures() {
    return failures;
  }

  /** True once {@code exit} ran. */
  public boolean exited() {
    return exitCode != null;
  }

  /** The code given to {@code exit}, or 0 if it had none or did not run. */
  public int exitCode() {
    return exitCode == null ? 0 : exitCode;
  }

  /**
   * Runs one command line; blank lines and {@code #} comments do nothing.
   *
   * @return true if the command succeeded
   */
  public boolean execute(String line) {
    List<String> words;
    try {
      words = tokenize(line);
    } catch (CgroupException e) {
      return fail("cgdev-shell", null, e);
    }
    if (words.isEmpty()) {
      return true;
    }
    String cmd = words.get(0);
    List<String> args = words.subList(1, words.size());
    try {
      switch (cmd) {
        case "ls" -> ls(args);
        case "cat" -> cat(args);
        case "echo" -> echo(args);
        case "mkdir" -> each(cmd, args, p -> fs.mkdir(p));
        case "rmdir" -> each(cmd, args, p -> fs.rmdir(p));
        case "tree" -> tree(args);
        case "cd" -> cd(args);
        case "pwd" -> {
          noArgs(cmd, args);
          out.println(cwd);
        }
        case "help" -> COMMANDS.values().forEach(out::println);
        case "exit" -> exit(args);
        default -> {
          err.println(cmd + ": command not found (try 'help')");
          failures++;
          return false;
        }
      }
      return true;
    } catch (PathFailure f) {
      return fail(cmd, f.path, f.error);
    } catch (CgroupException e) {
      return fail(cmd, null, e);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /**
   * Runs every line of a script; stops early at {@code exit}.
   *
   * @return the script's exit code: the {@code exit} code if one ran with a code, else 1 if any
   *     command failed, else 0
   */
  public int runScript(BufferedReader in) {
    try {
      for (String line = in.readLine(); line != null && !exited(); line = in.readLine()) {
        execute(line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (exitCode != null && exitCode != 0) {
      return exitCode;
    }
    return failures > 0 ? 1 : 0;
  }

  private boolean fail(String cmd, String path, CgroupException e) {
    failures++;
    Errno errno = e.errno();
    err.println(cmd + ": " + (path == null ? "" : path + ": ") + errno.name() + ": " + errno.description()
        + " (" + e.getMessage() + ")");
    err.flush();
    return false;
  }

  /** The arguments of a command that takes one flag and at most one PATH, the path resolved ({@code .} if none). */
  private record FlagAndPath(boolean flag, String path) {}

  /** Reads {@code [FLAG] [PATH]} in any order; another option or a second PATH is a usage error naming {@code cmd}. */
  private FlagAndPath flagAndPath(String cmd, String flag, List<String> args) {
    boolean given = false;
    List<String> paths = new ArrayList<>();
    for (String a : args) {
      if (a.equals(flag)) {
        given = true;
      } else if (a.startsWith("-")) {
        throw usage(cmd + ": unknown option '" + a + "'");
      } else {
        paths.add(a);
      }
    }
    if (paths.size() > 1) {
      throw usage(cmd + ": give at most one PATH");
    }
    return new FlagAndPath(given, resolve(paths.isEmpty() ? "." : paths.get(0)));
  }

  private void ls(List<String> args) {
    FlagAndPath a = flagAndPath("ls", "-l", args);
    boolean longForm = a.flag();
    String path = a.path();
    List<FsEntry> entries = on(path, () -> {
      FsEntry self = fs.stat(path);
      return self.isDirectory() ? fs.list(path) : List.of(self);
    });
    for (FsEntry e : entries) {
      String name = e.isDirectory() ? e.name() + "/" : e.name();
      out.println(longForm ? modeString(e) + " " + name : name);
    }
  }

  private static String modeString(FsEntry e) {
    StringBuilder sb = new StringBuilder(e.isDirectory() ? "d" : "-");
    int mode = e.mode();
    for (int shift = 6; shift >= 0; shift -= 3) {
      int bits = (mode >> shift) & 7;
      sb.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-').append((bits & 1) != 0 ? 'x' : '-');
    }
    return sb.toString();
  }

  private void cat(List<String> args) {
    if (args.isEmpty()) {
      throw usage("cat: missing FILE operand");
    }
    for (String a : args) {
      String path = resolve(a);
      String content = on(path, () -> fs.read(path));
      out.print(content);
    }
  }

  private void echo(List<String> args) {
    int redirect = args.indexOf(">");
    if (redirect < 0) {
      // plain echo prints its arguments, as a shell would
      out.println(String.join(" ", args));
      return;
    }
    if (redirect != args.size() - 2) {
      throw usage("echo: expected 'echo VALUE > FILE'");
    }
    String value = String.join(" ", args.subList(0, redirect));
    String path = resolve(args.get(args.size() - 1));
    on(path, () -> {
      fs.write(path, value);
      return null;
    });
  }

  private void tree(List<String> args) {
    FlagAndPath a = flagAndPath("tree", "-a", args);
    String path = a.path();
    out.print(on(path, () -> new TreeWalker(fs).coreFiles(a.flag()).values(true).render(path)));
  }

  private void cd(List<String> args) {
    if (args.size() > 1) {
      throw usage("cd: too many arguments");
    }
    String path = resolve(args.isEmpty() ? "/" : args.get(0));
    FsEntry entry = on(path, () -> fs.stat(path));
    if (!entry.isDirectory()) {
      throw new PathFailure(path, new CgroupException(Errno.ENOTDIR, path + " is a file"));
    }
    cwd = path;
  }

  private void exit(List<String> args) {
    if (args.size() > 1) {
      throw usage("exit: too many arguments");
    }
    int code = 0;
    if (!args.isEmpty()) {
      try {
        code = Integer.parseInt(args.get(0));
      } catch (NumberFormatException e) {
        throw usage("exit: numeric argument required, got '" + args.get(0) + "'");
      }
    }
    exitCode = code;
  }

  private void each(String cmd, List<String> args, java.util.function.Consumer<String> op) {
    if (args.isEmpty()) {
      throw usage(cmd + ": missing PATH operand");
    }
    for (String a : args) {
      String path = resolve(a);
      on(path, () -> {
        op.accept(path);
        return null;
      });
    }
  }

  private static void noArgs(String cmd, List<String> args) {
    if (!args.isEmpty()) {
      throw usage(cmd + ": takes no arguments");
    }
  }

  private static CgroupException usage(String message) {
    return new CgroupException(Errno.EINVAL, message);
  }

  private static <T> T on(String path, java.util.function.Supplier<T> op) {
    try {
      return op.get();
    } catch (CgroupException e) {
      throw new PathFailure(path, e);
    }
  }

  /** Resolves a path against the current folder, folding {@code .} and {@code ..}. */
  public String resolve(String path) {
    return normalize(path.startsWith("/") ? path : cwd + "/" + path);
  }

  /** Folds repeated slashes, {@code .} and {@code ..} ({@code ..} of the root is the root). */
  public static String normalize(String absolute) {
    List<String> parts = new ArrayList<>();
    for (String s : absolute.split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        if (!parts.isEmpty()) {
          parts.remove(parts.size() - 1);
        }
      } else {
        parts.add(s);
      }
    }
    return "/" + String.join("/", parts);
  }

  /**
   * Splits a line into words: whitespace separates, single and double quotes group, a backslash
   * escapes the next character, {@code #} at the start of a word starts a comment, and {@code >} is
   * a word of its own.
   *
   * @throws CgroupException {@code EINVAL} for an unterminated quote or a trailing backslash
   */
  public static List<String> tokenize(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
          word.append(line.charAt(++i));
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (c == '\\') {
        if (i + 1 == line.length()) {
          throw new CgroupException(Errno.EINVAL, "syntax error: trailing backslash in: " + line);
        }
        word.append(line.charAt(++i));
        inWord = true;
      } else if (Character.isWhitespace(c) || c == '>') {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
        if (c == '>') {
          words.add(">");
        }
      } else if (c == '#' && !inWord) {
        break;
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (quote != 0) {
      throw new CgroupException(Errno.EINVAL, "syntax error: unterminated " + quote + " in: " + line);
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }

  /**
   * Completion candidates for a partial path argument: entries of its folder whose names start with
   * the last segment, as the user would type them (folders end in {@code /}).
   */
  public List<String> completePath(String partial) {
    int slash = partial.lastIndexOf('/');
    String dirPart = slash < 0 ? "" : partial.substring(0, slash + 1);
    String prefix = partial.substring(slash + 1);
    String dir = resolve(dirPart.isEmpty() ? "." : dirPart);
    List<String> out = new ArrayList<>();
    try {
      for (FsEntry e : fs.list(dir)) {
        if (e.name().startsWith(prefix)) {
          out.add(dirPart + e.name() + (e.isDirectory() ? "/" : ""));
        }
      }
    } catch (CgroupException e) {
      return List.of();
    }
    return out;
  }

  /** A failure of an operation on a path, so the message can name the path as a shell does. */
  private static final class PathFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String path;
    private final transient CgroupException error;

    PathFailure(String path, CgroupException error) {
      super(error.getMessage(), error, false, false);
      this.path = path;
      this.error = error;
    }
  }
}
