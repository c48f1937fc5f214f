package io.cgdev.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The cgdev command line in-process: subcommands, output and the documented exit codes. */
class MainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void helpExitsZeroAndListsTheSubcommandsAndExitCodes() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("demo", "run", "shell", "tree", "snapshot", "fdinfo", "mount", "Exit codes");
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    assertThat(run("demo", "--frobnicate")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--frobnicate");
  }

  @Test
  void aBadDurationIsAUsageErrorOfTheSubcommand() {
    assertThat(run("demo", "--duration", "5x")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("invalid duration '5x'").contains("Usage: cgdev demo");
  }

  @Test
  void theDemoWritesItsReportAndPrintsJson(@TempDir Path dir) throws Exception {
    int code = run("demo", "--duration", "100ms", "--out", dir.toString(), "--no-progress", "--json");
    assertThat(code).as(err.toString()).isZero();
    JsonNode json = JsonMapper.builder().build().readTree(out.toString());
    assertThat(json.get("scenario").asString()).isEqualTo("demo");
    assertThat(json.get("tenants")).hasSize(3);
    assertThat(Files.readString(dir.resolve("report.html"))).contains("<svg");
    assertThat(err.toString()).contains("events/s");
  }

  @Test
  void anInvalidValueNamesFileLineAndField(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("scenario.yaml");
    Files.writeString(file, """
        name: bad
        duration: 10ms
        tenants:
          - name: a
            cpu: { weight: 50 }
          - name: b
            memory:
              max: 12X
        """);
    assertThat(run("run", file.toString(), "--out", dir.toString(), "--no-progress")).isEqualTo(ExitCodes.BAD_SCENARIO);
    assertThat(err.toString()).startsWith("cgdev: scenario.yaml:8: tenants[1].memory.max: ").contains("12X");
  }

  @Test
  void anOutOfRangeWeightIsReportedWithItsErrno(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("w.yaml");
    Files.writeString(file, "tenants:\n  - name: a\n    cpu:\n      weight: 0\n");
    assertThat(run("run", file.toString(), "--no-progress")).isEqualTo(ExitCodes.BAD_SCENARIO);
    assertThat(err.toString()).startsWith("cgdev: w.yaml:4: tenants[0].cpu.weight: ").contains("ERANGE");
  }

  @Test
  void anUnknownControllerSectionIsNamed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "tenants:\n  - name: a\n    worklods: {x: 1}\n");
    assertThat(run("tree", "--scenario", file.toString())).isEqualTo(ExitCodes.BAD_SCENARIO);
    assertThat(err.toString()).contains("c.yaml:3: tenants[0].worklods.x: unknown controller 'worklods'");
  }

  @Test
  void aMissingScenarioFileIsABadScenario() {
    assertThat(run("run", "/no/such/file.yaml")).isEqualTo(ExitCodes.BAD_SCENARIO);
  }

  @Test
  void aShellScriptExitsNonZeroWhenACommandFailed(@TempDir Path dir) throws Exception {
    Path script = dir.resolve("cmds");
    Files.writeString(script, "echo +cpu > /cgroup.subtree_control\nmkdir /a\necho 300 > /a/cpu.devices/i915.0/cpu.weight\n"
        + "cat /a/nope\ncat /a/cpu.devices/i915.0/cpu.weight\n");
    assertThat(run("shell", "--script", script.toString())).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).startsWith("cat: /a/nope: ENOENT: No such file or directory (");
    assertThat(err.toString().lines()).hasSize(1);
    assertThat(out.toString()).isEqualTo("300\n");
  }

  @Test
  void aShellScriptFromStdinSeesTheDemoWorld() {
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream("echo +cpu > /cgroup.subtree_control\nmkdir /a\ncat /a/cpu.devices/i915.0/cpu.weight\n".getBytes(StandardCharsets.UTF_8)));
    try {
      assertThat(run("shell")).isZero();
    } finally {
      System.setIn(saved);
    }
    assertThat(out.toString()).isEqualTo("100\n");
  }

  @Test
  void treeAndSnapshotPrintJson() {
    assertThat(run("tree", "--json")).isZero();
    JsonNode tree = JsonMapper.builder().build().readTree(out.toString());
    assertThat(tree.get("dirs").has("memory.devices")).isTrue();
    out.getBuffer().setLength(0);
    assertThat(run("snapshot")).isZero();
    assertThat(JsonMapper.builder().build().readTree(out.toString()).isObject()).isTrue();
  }

  @Test
  void fdinfoPrintsEachClient() {
    assertThat(run("fdinfo", "--duration", "20ms")).isZero();
    assertThat(out.toString()).contains("drm-driver:", "drm-engine-compute:");
  }

  @Test
  void fdinfoByCgroupSumsEachTenantsClients() {
    assertThat(run("fdinfo", "--duration", "20ms")).isZero();
    long clients = out.toString().lines().filter(l -> l.startsWith("drm-client-id:")).count();
    out.getBuffer().setLength(0);
    assertThat(run("fdinfo", "--duration", "20ms", "--by-cgroup")).isZero();
    assertThat(out.toString()).contains("# /training ", "# /batch ", "drm-total-local0:");
    assertThat(out.toString()).contains("# / 0000:").contains("drm-clients:\t" + clients + "\n");
  }
}
