package io.cgdev.cli;

import io.cgdev.cli.tree.TreeWalker;
import io.cgdev.cli.world.World;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;

/** {@code cgdev tree}: the file view as a tree, as text or JSON. */
@Command(
    name = "tree",
    header = "Print the cgroup tree with its file values.",
    description = "Prints the cgroup tree with the per-device folders and the values of its files, of the default "
        + "world or, with --scenario, of a scenario's tree.",
    footer = "  cgdev tree --scenario samples/scenarios/demo.yaml /training")
final class TreeCommand extends CgdevCommand {
  @Mixin WorldOptions world;

  @Parameters(arity = "0..1", paramLabel = "PATH", description = "where to start (default /)")
  String path = "/";

  @Option(names = "--json", description = "print JSON: {path, files: {name: content}, dirs: {name: ...}}")
  boolean json;

  @Option(names = {"-a", "--all"}, description = "include the cgroup.* core files")
  boolean all;

  @Mixin ScenarioTreeOption scenarioTree;

  @Override
  public Integer call() {
    try (World w = scenarioTree.boot(world)) {
      TreeWalker walker = new TreeWalker(w.fs()).coreFiles(all);
      if (json) {
        out().println(JsonMapper.builder().build().writerWithDefaultPrettyPrinter()
            .writeValueAsString(walker.json(path)));
      } else {
        out().print(walker.render(path));
      }
      out().flush();
      return ExitCodes.OK;
    }
  }
}
