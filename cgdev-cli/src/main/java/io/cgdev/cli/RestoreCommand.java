package io.cgdev.cli;

import io.cgdev.api.CgroupException;
import io.cgdev.cli.world.World;
import io.cgdev.state.StateFile;
import io.cgdev.state.TreeRestore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cgdev restore SNAPSHOT}: rebuilds the tree of a {@code cgdev snapshot} in a fresh world —
 * its cgroups and every setting in their {@code configuration} sections, through the file view
 * ({@link TreeRestore}) — prints the snapshot of the result, and with {@code --state FILE} keeps it
 * in a new state file for {@code cgdev mount DIR --state FILE}.
 */
@Command(
    name = "restore",
    header = "Rebuild the cgroup tree of a snapshot, with every setting.",
    description = "Rebuilds the tree of a snapshot ('cgdev snapshot > FILE'): its cgroups and every setting in their "
        + "'configuration' sections, in a world booted with these options, then prints the snapshot of the result "
        + "(restore, snapshot, compare: the configuration is byte for byte the same). Status (counters, usage) and "
        + "tasks are not restored: they follow from what runs. --state FILE also writes the tree to a new state "
        + "file, which 'cgdev mount DIR --state FILE' serves. Exit code 7: the snapshot cannot be read or does not "
        + "fit this world (the message says where).",
    footer = {
      "  cgdev snapshot --scenario samples/scenarios/demo.yaml > tree.json",
      "  cgdev restore tree.json --state tree.state"
    })
final class RestoreCommand extends CgdevCommand {
  @Mixin WorldOptions world;

  @Parameters(paramLabel = "SNAPSHOT", description = "a file written by 'cgdev snapshot' (either form)")
  Path snapshot;

  @Option(names = "--state", paramLabel = "FILE",
      description = "also write the restored tree to FILE, a new state file (for cgdev mount DIR --state FILE)")
  Path stateFile;

  @Mixin SnapshotForm form;

  @Override
  public Integer call() {
    SnapshotJson.Document doc = SnapshotJson.parse(read(snapshot), snapshot.toString());
    if (stateFile != null && Files.isRegularFile(stateFile) && sizeOf(stateFile) > 0) {
      throw new SnapshotJson.BadSnapshotException(stateFile + ": exists already; restore writes a new state file (remove"
          + " it, or choose another name)", null);
    }
    PrintWriter err = err();
    try (World w = world.boot()) {
      checkFits(doc, w);
      TreeRestore.Result result;
      try {
        result = TreeRestore.converge(w.fs(), doc.configuration());
      } catch (CgroupException e) {
        throw new SnapshotJson.BadSnapshotException(snapshot + ": " + e.errno() + ": " + e.getMessage(), e);
      }
      err.println("cgdev restore: " + snapshot + ": " + doc.configuration().cgroups().size() + " cgroups, "
          + result.made() + " made, " + result.written() + " files written (" + result.passes()
          + (result.passes() == 1 ? " pass)" : " passes)"));
      if (doc.tasks() > 0) {
        err.println("cgdev restore: the snapshot's " + doc.tasks() + " tasks are not restored: a restore rebuilds"
            + " cgroups and settings (tasks come from a scenario, 'cgdev mount --scenario')");
      }
      if (stateFile != null) {
        StateFile.create(stateFile, StateFiles.base(w, null), w.fs(), w.tasks()).close();
        err.println("cgdev restore: wrote " + stateFile + "; serve it with: cgdev mount DIR --state " + stateFile);
      }
      err.flush();
      out().println(form.render(w));
      out().flush();
      return ExitCodes.OK;
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0; // gone meanwhile: StateFile.create decides
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new SnapshotJson.BadSnapshotException(file + ": no such file", e);
    } catch (IOException e) {
      throw new SnapshotJson.BadSnapshotException(file + ": cannot read it: " + e.getMessage(), e);
    }
  }

  /** The snapshot must be of a world like this one: same layout, controllers and devices. */
  private void checkFits(SnapshotJson.Document doc, World w) {
    String layout = w.cgroups().layout().name();
    List<String> controllers = w.cgroups().controllers().stream().sorted().toList();
    List<String> devices = w.cgroups().devices();
    String what = null;
    if (!doc.layout().equals(layout)) {
      what = "layout " + doc.layout() + "; this one has " + layout;
    } else if (!doc.controllers().stream().sorted().toList().equals(controllers)) {
      what = "controllers " + doc.controllers() + "; this one has " + controllers;
    } else if (!doc.devices().stream().sorted().toList().equals(devices)) {
      what = "devices " + doc.devices() + "; this one has " + devices;
    }
    if (what != null) {
      throw new SnapshotJson.BadSnapshotException(snapshot + ": taken of a world with " + what
          + ": boot with the plugins and options it was taken with (--plugins, --with-samples, --option)", null);
    }
  }
}
