package io.cgdev.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code --layout controller|devices} through the tool: the devices layout puts every controller's
 * files of a device in {@code <cgroup>/devices/<device>/}, scenarios run unchanged under it, and
 * every command that boots a hierarchy takes the option. (The mount: {@link MountCommandTest}.)
 */
class LayoutOptionTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void theShellShowsOneFolderPerDevice(@TempDir Path dir) throws Exception {
    Path script = Files.writeString(dir.resolve("cmds"), """
        echo +memory +cpu > cgroup.subtree_control
        mkdir /a
        ls /a
        echo 256M > /a/devices/i915.0/memory.max
        cat /a/devices/i915.0/memory.max
        cat /a/devices/i915.0/cpu.weight
        ls /a/cpu.devices
        """);
    int code = run("shell", "--layout", "devices", "--script", script.toString());
    assertThat(out.toString()).contains("devices/\n", "268435456\n", "100\n").doesNotContain("memory.devices");
    assertThat(err.toString()).as("no cpu.devices folder in this layout").contains("ls: /a/cpu.devices: ENOENT");
    assertThat(code).as("the last ls failed").isEqualTo(1);
  }

  @Test
  void theDefaultIsTheControllerLayout() {
    assertThat(run("tree", "--json")).isZero();
    assertThat(JSON.readTree(out.toString()).get("dirs").has("memory.devices")).isTrue();
    assertThat(run("tree", "--json", "--layout", "controller")).isZero();
    assertThat(JSON.readTree(out.toString()).get("dirs").has("memory.devices")).isTrue();
  }

  @Test
  void aScenarioBuildsTheSameTreeInEitherLayout() {
    assertThat(run("snapshot", "--scenario", "../samples/scenarios/demo.yaml", "--layout", "devices")).as(err.toString()).isZero();
    JsonNode training = child(JSON.readTree(out.toString()).get("root"), "/training");
    assertThat(training.get("configuration").has("devices/i915.0/memory.max")).as(training.get("configuration").toString()).isTrue();
    String perDevice = training.get("configuration").get("devices/i915.0/memory.max").asString();
    assertThat(run("snapshot", "--scenario", "../samples/scenarios/demo.yaml")).isZero();
    JsonNode same = child(JSON.readTree(out.toString()).get("root"), "/training");
    assertThat(perDevice).isEqualTo(same.get("configuration").get("memory.devices/i915.0/memory.max").asString()).isEqualTo("3221225472\n");
  }

  @Test
  void aRunReportsTheSameInEitherLayout(@TempDir Path dir) {
    assertThat(run("demo", "--duration", "300ms", "--json", "--no-progress", "--out", dir.resolve("c").toString())).isZero();
    JsonNode controller = JSON.readTree(out.toString()).get("tenants");
    assertThat(run("demo", "--duration", "300ms", "--json", "--no-progress", "--out", dir.resolve("d").toString(),
        "--layout", "devices")).as(err.toString()).isZero();
    JsonNode devices = JSON.readTree(out.toString()).get("tenants");
    assertThat(devices).isEqualTo(controller);
  }

  @Test
  void anUnknownLayoutIsAUsageError() {
    assertThat(run("tree", "--layout", "flat")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("'flat' is not a layout: use controller or devices");
  }

  @Test
  void everyCommandThatBootsAHierarchyTakesTheOption() {
    CommandLine cli = new CommandLine(new Main());
    cli.getSubcommands().forEach((name, sub) -> {
      // fleet boots one hierarchy per node of the trace only to enforce pods' shares through the file
      // view; it shows no tree, so a layout would change nothing it prints (docs/FLEET.md)
      if (!name.equals("help") && !name.equals("fleet")) {
        assertThat(sub.getCommandSpec().findOption("--layout")).as("cgdev %s --layout", name).isNotNull();
      }
    });
  }

  private static JsonNode child(JsonNode node, String path) {
    for (JsonNode c : node.get("children")) {
      if (c.get("path").asString().equals(path)) {
        return c;
      }
    }
    throw new AssertionError("no " + path + " under " + node.get("path"));
  }
}
