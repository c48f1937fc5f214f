package io.cgdev.cli;

import io.cgdev.cli.shell.InteractiveShell;
import io.cgdev.cli.shell.Shell;
import io.cgdev.cli.world.World;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cgdev shell}: the interactive shell, or script mode from a file or stdin. */
@Command(
    name = "shell",
    header = "Explore and change the cgroup file view with shell commands.",
    description = {
      "An interactive shell over the cgroup file view (ls, cat, echo VALUE > FILE, mkdir, rmdir, tree, cd, pwd, "
          + "help, exit), with history and completion. It reads commands from --script FILE, or from stdin when "
          + "stdin is not a terminal.",
      "It boots the default world (the i915 model registered); --scenario FILE also builds that scenario's tree.",
      "The exit code of a script is 1 if any command failed, else 0 (or the code given to 'exit')."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  cgdev shell --layout devices",
      "  echo 'cat /cpu.devices/i915.0/cpu.stat' | cgdev shell",
      "  cgdev shell --scenario samples/scenarios/demo.yaml --script cmds.txt"
    })
final class ShellCommand extends CgdevCommand {
  @Mixin WorldOptions world;

  @Option(names = "--script", paramLabel = "FILE", description = "run the commands in FILE ('-' for stdin) and exit")
  Path script;

  @Mixin ScenarioTreeOption scenarioTree;

  @Override
  public Integer call() throws IOException {
    try (World w = scenarioTree.boot(world)) {
      PrintWriter out = out();
      PrintWriter err = err();
      Shell shell = new Shell(w.fs(), out, err);
      if (script != null && !script.toString().equals("-")) {
        try (BufferedReader in = Files.newBufferedReader(script, StandardCharsets.UTF_8)) {
          return shell.runScript(in);
        }
      }
      if (script == null && InteractiveShell.isTerminal()) {
        return InteractiveShell.run(shell);
      }
      return shell.runScript(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    }
  }
}
