package io.cgdev.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code cgdev fleet} in-process on a small trace folder: the report, its exit codes and its errors. */
class FleetCommandTest {
  private static final String NODES = "sn,cpu_milli,memory_mib,gpu,model\nn0,32000,262144,2,T4\nn1,32000,262144,1,A10\nn2,8000,32768,0,\n";
  private static final String PODS = """
      name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time
      p0,4000,8192,1,500,,LS,Running,0,7200,0
      p1,4000,8192,1,700,,BE,Running,60,3600,60
      p2,4000,8192,2,1000,,Guaranteed,Running,120,9000,120
      p3,1000,1024,0,0,,BE,Running,0,100,0
      p4,4000,8192,1,300,A10,LS,Running,300,9000,300
      """;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void aTraceFolderIsReplayedWithThreePoliciesAndReported(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("openb_node_list_all_node.csv"), NODES);
    Files.writeString(dir.resolve("openb_pod_list_small.csv"), PODS);
    Path report = dir.resolve("out");
    int code = run("fleet", "--trace", dir.toString(), "--pods", "small", "--out", report.toString(), "--no-progress", "--json",
        "--sharing", "max", "--threads", "1");
    assertThat(code).as(err.toString()).isZero();
    JsonNode json = JsonMapper.builder().build().readTree(out.toString());
    assertThat(json.get("policies")).hasSize(3);
    assertThat(json.get("options").get("mode").asString()).isEqualTo("max");
    // first-fit: p2 (two whole GPUs) waits until p0 and p1 have left n0
    JsonNode firstFit = json.get("policies").get(0);
    assertThat(firstFit.get("summary").get("placed").asInt()).isEqualTo(5);
    assertThat(firstFit.get("pods").get(2).get("pendingSeconds").asLong()).isEqualTo(7200 - 120);
    assertThat(Files.readString(report.resolve("fleet.json"))).isEqualTo(out.toString());
    assertThat(Files.readString(report.resolve("fleet.html"))).contains("<svg");
    assertThat(err.toString()).contains("5 pods", "replayed 3 policies");
  }

  @Test
  void theTableComparesThePolicies(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("openb_node_list_all_node.csv"), NODES);
    Files.writeString(dir.resolve("openb_pod_list_small.csv"), PODS);
    assertThat(run("fleet", "--trace", dir.toString(), "--pods", "small", "--out", dir.resolve("o").toString(), "--no-progress",
        "--policies", "frag,first-fit")).isZero();
    assertThat(out.toString()).contains("frag", "first-fit", "LS SLO violations").doesNotContain("best-fit");
  }

  @Test
  void badInputIsReportedWithItsExitCode(@TempDir Path dir) throws Exception {
    assertThat(run("fleet", "--policies", "first-fit,random", "--no-progress")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("no placement policy 'random'");
    assertThat(run("fleet", "--sharing", "fair", "--no-progress")).isEqualTo(ExitCodes.USAGE);
    Files.writeString(dir.resolve("openb_node_list_all_node.csv"), NODES);
    Files.writeString(dir.resolve("openb_pod_list_bad.csv"), PODS.replace("p1,4000,8192,1,700", "p1,4000,8192,1,7x0"));
    assertThat(run("fleet", "--trace", dir.toString(), "--pods", "bad", "--no-progress")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("openb_pod_list_bad.csv:3: gpu_milli: '7x0' is not a whole number");
  }
}
