package io.cgdev.cli;

import io.cgdev.api.CgroupException;
import io.cgdev.fuse.MountException;
import io.cgdev.sim.scenario.ScenarioException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code cgdev} command: parses the command line with picocli and runs a subcommand. Exit
 * codes are {@link ExitCodes}; docs/CLI.md lists them.
 */
@Command(
    name = "cgdev",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "cgdev brings cgroup v2 to devices: a demo, user scenarios, a shell over the cgroup file view and "
        + "a FUSE mount of it.",
    subcommands = {
      DemoCommand.class,
      RunCommand.class,
      ShellCommand.class,
      TreeCommand.class,
      SnapshotCommand.class,
      FdinfoCommand.class,
      MountCommand.class,
      RestoreCommand.class,
      FleetCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nExamples:%n",
    footer = {"  cgdev demo", "  cgdev shell --layout devices", "  cgdev help run"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:a command failed (a shell script command, a scenario that could not run)",
      "2:usage error (unknown option, missing argument)",
      "3:invalid scenario file (the message names file, line and field)",
      "4:the hierarchy could not boot",
      "5:mount: FUSE is missing, or the folder is missing, not empty or mounted",
      "6:mount: a stale mount of a dead daemon is in the way (the message says: fusermount3 -u DIR)",
      "7:a state file or snapshot cannot be used (the message names file and line)",
      "70:internal error (a bug; run with --verbose for the stack trace)"
    })
public final class Main implements Runnable {
  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "log at debug level (default: warnings only)")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Entry point of the launcher. */
  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the tool in-process, as {@link #main} does, and returns its exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    configureLogging(args);
    CommandLine cli = commandLine();
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(Main::handle);
    return cli.execute(args);
  }

  /** The command line with every subcommand, as {@link #run} parses it (tests read its model). */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    // picocli's own help command has no example of its own
    cli.getSubcommands().get("help").getCommandSpec().usageMessage().footer("  cgdev help mount");
    for (CommandLine sub : cli.getSubcommands().values()) {
      // every command has --help and --version, and its footer is its example(s)
      CommandLine.Model.CommandSpec spec = sub.getCommandSpec();
      if (!(sub.getCommand() instanceof CommandLine.HelpCommand)) {
        spec.mixinStandardHelpOptions(true);
      }
      if (spec.usageMessage().footerHeading().isEmpty()) {
        spec.usageMessage().footerHeading("%nExample:%n");
      }
    }
    return cli;
  }

  /** slf4j-simple reads its level once, when the first logger is made: set it before anything logs. */
  private static void configureLogging(String[] args) {
    boolean verbose = false;
    for (String a : args) {
      verbose |= a.equals("-v") || a.equals("--verbose");
    }
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
  }

  private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    PrintWriter err = cli.getErr();
    boolean verbose = parsed.hasMatchedOption("--verbose") || parsed.hasMatchedOption("-v")
        || parsed.subcommands().stream().anyMatch(s -> s.hasMatchedOption("--verbose"));
    if (e instanceof ScenarioException se) {
      err.println("cgdev: " + se.getMessage());
      return ExitCodes.BAD_SCENARIO;
    }
    if (e instanceof io.cgdev.state.StateException || e instanceof SnapshotJson.BadSnapshotException) {
      err.println("cgdev: " + e.getMessage());
      return ExitCodes.STATE;
    }
    if (e instanceof BootException be) {
      err.println("cgdev: cannot boot: " + be.getMessage());
      if (verbose) {
        be.printStackTrace(err);
      }
      return ExitCodes.BOOT;
    }
    if (e instanceof MountException me) {
      err.println("cgdev mount: " + me.getMessage());
      if (verbose) {
        me.printStackTrace(err);
      }
      return me instanceof MountCommand.StaleMountException ? ExitCodes.STALE_MOUNT : ExitCodes.MOUNT;
    }
    if (e instanceof CgroupException ce) {
      err.println("cgdev: " + ce.errno().name() + ": " + ce.errno().description() + " (" + ce.getMessage() + ")");
      return ExitCodes.FAILED;
    }
    if (e instanceof java.io.UncheckedIOException || e instanceof java.io.IOException) {
      err.println("cgdev: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    err.println("cgdev: internal error: " + e);
    if (verbose) {
      e.printStackTrace(err);
    } else {
      err.println("(run with --verbose for the stack trace)");
    }
    return ExitCodes.INTERNAL;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The version from the jar manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"cgdev " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
  }
}
