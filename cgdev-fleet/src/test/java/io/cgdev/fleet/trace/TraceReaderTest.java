package io.cgdev.fleet.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trace reader against the built-in copy (the FGD paper's figures) and against broken files. */
class TraceReaderTest {
  private static final String NODES = "sn,cpu_milli,memory_mib,gpu,model\nn0,32000,262144,2,T4\nn1,32000,262144,0,\n";
  private static final String HEADER = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n";

  private static Trace read(String nodes, String pods) throws Exception {
    return TraceReader.read("test", new StringReader(nodes), "nodes.csv", new StringReader(pods), "pods.csv");
  }

  @Test
  void theBuiltInTraceIsThePapersCluster() {
    Trace t = TraceReader.builtIn("default");
    assertThat(t.nodes()).hasSize(1523);
    assertThat(t.gpuCount()).isEqualTo(6212);
    assertThat(t.pods()).hasSize(8152);
    assertThat(t.nodes().stream().filter(n -> n.gpus() == 0)).hasSize(310);
    assertThat(t.pods().get(0).name()).isEqualTo("openb-pod-0000");
    assertThat(t.pods().stream().filter(p -> p.qos() == Qos.LS)).hasSize(4647);
    assertThat(t.horizon()).isGreaterThan(100L * 86400);
    assertThat(TraceReader.builtIn("gpushare100").pods()).hasSize(8152);
  }

  @Test
  void everyGpuTypeHasItsMemoryAndTheUndisclosedOnesAreMarked() {
    assertThat(GpuModel.of("V100M16").orElseThrow().memoryBytes()).isEqualTo(16L << 30);
    assertThat(GpuModel.of("V100M32").orElseThrow().memoryBytes()).isEqualTo(32L << 30);
    assertThat(GpuModel.of("A10").orElseThrow().memoryBytes()).isEqualTo(24L << 30);
    assertThat(GpuModel.of("T4").orElseThrow().disclosed()).isTrue();
    assertThat(GpuModel.of("G2").orElseThrow().disclosed()).isFalse();
    assertThat(GpuModel.of("H100")).isEmpty();
  }

  @Test
  void aPodListIsReadByColumnName() throws Exception {
    Trace t = read(NODES, "qos,name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,creation_time,deletion_time\n"
        + "LS,p0,1000,1024,1,250,T4|P100,10,20\nBE,p1,1000,1024,0,0,,5,5\n");
    PodSpec p = t.pods().get(0);
    assertThat(p.name()).isEqualTo("p0");
    assertThat(p.gpuTypes()).containsExactlyInAnyOrder("T4", "P100");
    assertThat(p.sharesGpu()).isTrue();
    assertThat(p.allows(GpuModel.of("T4").orElseThrow())).isTrue();
    assertThat(p.allows(GpuModel.of("A10").orElseThrow())).isFalse();
    assertThat(t.pods().get(1).gpus()).isZero();
    assertThat(t.nodes().get(1).model()).isNull();
  }

  @Test
  void badValuesNameFileLineAndColumn() {
    assertThatThrownBy(() -> read(NODES, HEADER + "p0,1000,1024,1,abc,,LS,Running,0,10,0\n"))
        .isInstanceOf(TraceException.class).hasMessage("pods.csv:2: gpu_milli: 'abc' is not a whole number");
    assertThatThrownBy(() -> read(NODES, HEADER + "p0,1000,1024,2,500,,LS,Running,0,10,0\n"))
        .hasMessageContaining("pods.csv:2: gpu_milli: 500 for a pod with 2 GPUs");
    assertThatThrownBy(() -> read(NODES, HEADER + "p0,1000,1024,1,500,,XX,Running,0,10,0\n"))
        .hasMessageContaining("pods.csv:2: qos: unknown QoS 'XX'");
    assertThatThrownBy(() -> read(NODES, HEADER + "p0,1000,1024,1,500,,LS,Running,10,5,0\n"))
        .hasMessageContaining("deletion_time: 5 is before creation_time 10");
    assertThatThrownBy(() -> read(NODES, HEADER + "p0,1000,1024,1,500,H100,LS,Running,0,5,0\n"))
        .hasMessageContaining("gpu_spec: unknown GPU type 'H100'");
    assertThatThrownBy(() -> read(NODES, HEADER + "p0,1000,1024,1\n"))
        .hasMessageContaining("pods.csv:2: row: 4 fields, the header has 11");
    assertThatThrownBy(() -> read("sn,cpu_milli,memory_mib,gpu,model\nn0,1,1,2,X9\n", HEADER))
        .hasMessageContaining("nodes.csv:2: model: unknown GPU type 'X9'");
    assertThatThrownBy(() -> read("sn,cpu_milli,gpu,model\n", HEADER)).hasMessageContaining("nodes.csv:1: memory_mib: no such column");
    assertThatThrownBy(() -> read("", HEADER)).hasMessageContaining("nodes.csv:1: header: the file is empty");
  }

  @Test
  void aFolderWithoutTheFilesSaysWhatItNeeds(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> TraceReader.fromFolder(dir, "default")).hasMessageContaining("openb_node_list_all_node.csv: no such file");
    Files.writeString(dir.resolve(TraceReader.NODES), NODES);
    Files.writeString(dir.resolve("openb_pod_list_mine.csv"), HEADER + "p0,1000,1024,1,500,,LS,Running,0,10,0\n");
    assertThat(TraceReader.fromFolder(dir, "mine").pods()).hasSize(1);
    assertThatThrownBy(() -> TraceReader.builtIn("multigpu50")).hasMessageContaining("no built-in pod list 'multigpu50'");
  }
}
