package io.cgdev.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.sample.gem.VgemDriver;
import io.cgdev.sample.rdma.RdmaDriver;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broken plugins through {@code cgdev --plugins}, as a user runs the tool: a JVM of its own on the
 * module path of the tool's build ({@code cgdev-cli-*.jar} and its {@code lib/}), so each plugin folder
 * becomes a module layer. The samples come from a folder too. Each run takes about 2 s; the class
 * makes three.
 */
class FaultsThroughTheCliTest {
  private static Path good;

  /** What a run printed and how it ended. */
  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void goodPlugins() throws IOException {
    good = FaultJars.folders().get("ctor").getParent().resolve("good");
    Files.createDirectories(good);
    for (Class<?> c : List.of(VgemDriver.class, RdmaDriver.class)) {
      Path jar = FaultJars.location(c);
      Files.copy(jar, good.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static Run cgdev(String stdin, List<String> args) throws IOException, InterruptedException {
    Path cli = FaultJars.location(io.cgdev.cli.Main.class);
    List<String> modulePath = new ArrayList<>(List.of(cli.toString()));
    try (Stream<Path> lib = Files.list(cli.getParent().resolve("lib"))) {
      lib.map(Path::toString).sorted().forEach(modulePath::add);
    }
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=io.cgdev.fuse", "-p", String.join(File.pathSeparator, modulePath),
        "-m", "io.cgdev.cli/io.cgdev.cli.Main"));
    cmd.addAll(args);
    Path out = Files.createTempFile("cgdev-faults", ".out");
    Path err = Files.createTempFile("cgdev-faults", ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("cgdev did not end in 60 s: " + cmd);
    }
    Run r = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  private static List<String> plugins(List<Path> folders) {
    List<String> out = new ArrayList<>();
    for (Path f : folders) {
      out.add("--plugins");
      out.add(f.toString());
    }
    return out;
  }

  private static void noStackTraceNorInternalError(Run r) {
    assertThat(r.exit()).as(r.err()).isNotEqualTo(70);
    assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception in thread").doesNotContain("internal error");
  }

  private static final String SCRIPT = """
      echo +memory +gem +mkdirf +lifef > cgroup.subtree_control
      cat readerf.stat
      cat readerf.ok
      echo 5 > writerf.max
      cat writerf.max
      mkdir mk-bad
      mkdir ok
      echo 1M > ok/memory.devices/i915.0/memory.max
      cat ok/memory.devices/i915.0/memory.max
      ls memory.devices
      ls bindf.devices
      mkdir life-x
      rmdir life-x
      cat cgroup.stat
      cat cgroup.controllers
      """;

  private static Run shell(List<Path> folders) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("shell"));
    args.addAll(plugins(folders));
    return cgdev(SCRIPT, args);
  }

  @Test
  void theShellBootsEveryFaultWithTheGoodPluginsAndOnlyTheFaultyOperationsFail() throws Exception {
    List<Path> folders = new ArrayList<>(FaultJars.foldersExcept(FaultJars.FAULTS));
    folders.add(good);
    Run r = shell(folders);
    noStackTraceNorInternalError(r);
    assertThat(r.exit()).as("a script in which commands failed").isEqualTo(1);
    // only the faulty operations failed, with EIO, naming the plugin
    assertThat(r.err()).contains("cat: /readerf.stat: EIO: Input/output error", "controller readerf", "reader/reader.jar");
    assertThat(r.err()).contains("echo: /writerf.max: EIO: Input/output error", "controller writerf");
    assertThat(r.err()).contains("mkdir: /mk-bad: EIO: Input/output error", "controller mkdirf");
    assertThat(r.err().lines().filter(l -> l.startsWith("cat:") || l.startsWith("echo:") || l.startsWith("mkdir:")
        || l.startsWith("ls:") || l.startsWith("rmdir:"))).hasSize(3);
    // the healthy ones worked
    assertThat(r.out()).contains("fine\n", "max\n", "1048576\n", "bd0/", "i915.0/", "rdma0/", "sd0/", "vgem0/",
        "nr_descendants 1", "nr_dying_descendants 0");
    assertThat(r.out()).contains("gem").contains("memory");
    // boot diagnostics, each with its code, naming class and jar (module layers: the module's name too)
    assertThat(r.err()).contains("CGDEV-PLUGIN-BROKEN", "io.cgdev.fault.ctor.CtorController", "ctor/ctor.jar");
    assertThat(r.err()).contains("CGDEV-BAD-CONTROLLER-NAME", "CGDEV-BAD-CONTROLLER-FILES", "CGDEV-DUPLICATE-DRIVER",
        "CGDEV-DRIVER-PROBE-FAILED", "CGDEV-PLUGIN-FAULT", "CGDEV-DRIVER-REMOVE-FAILED");
    assertThat(r.err()).contains("module io.cgdev.fault.bindf at file:", "badservices", "io.cgdev.fault.missingdep");
  }

  @Test
  void theFolderOrderDoesNotChangeWhatBoots() throws Exception {
    List<Path> folders = new ArrayList<>(FaultJars.foldersExcept(FaultJars.FAULTS));
    folders.add(good);
    Run forward = shell(folders);
    Run backward = shell(new ArrayList<>(folders).reversed());
    noStackTraceNorInternalError(backward);
    assertThat(backward.out()).isEqualTo(forward.out());
    assertThat(codes(backward.err())).isEqualTo(codes(forward.err()));
  }

  private static List<String> codes(String err) {
    return err.lines().filter(l -> l.contains("CGDEV-")).map(l -> l.replaceAll("^.*?(CGDEV-[A-Z-]+)", "$1")).sorted().toList();
  }

  @Test
  void aScenarioOnAFaultyPluginDeviceRunsToTheEndAndADriverWithoutWorkloadsIsReported() throws Exception {
    Path dir = Files.createTempDirectory("cgdev-faults-run");
    Path scenario = dir.resolve("faults.yaml");
    Files.writeString(scenario, """
        name: faults
        duration: 100ms
        tick: 1ms
        tenants:
          - name: a
            workloads:
              - name: w
                device: sf0
                memory: { size: 1M, count: 2 }
        """);
    List<String> args = new ArrayList<>(List.of("run", scenario.toString(), "--json", "--no-progress",
        "--out", dir.resolve("out").toString()));
    args.addAll(plugins(List.of(FaultJars.folders().get("simf"), FaultJars.folders().get("nosim"))));
    Run r = cgdev("", args);
    noStackTraceNorInternalError(r);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("offers no DeviceWorkloads", "nosim", "\"failedAllocations\" : 2");
  }
}
