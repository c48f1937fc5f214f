package io.cgdev.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.sim.scenario.Scenario.Tenant;
import io.cgdev.sim.scenario.Scenario.Workload;
import io.cgdev.sim.scenario.Scenario.Write;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The scenario parser: the model it builds, and errors that name file, line and field. */
class ScenarioParserTest {
  private static final String GOOD = """
      name: t
      duration: 2s
      tick: 500us
      tenants:
        - name: a
          cpu: { weight: 200 }
          memory:
            max: 1G
            swap.max: 0
          files:
            cgroup.max.depth: 2
          devices:
            rdma0: { memory: { max: 64M } }
          children:
            - name: leaf
              workloads:
                - name: w
                  engine: compute
                  batch: 2ms
                  load: 1.5
                  start: 100ms
                  memory: { size: 64M, count: 3, churn: 2/s, placement: [local0, system0] }
      """;

  @Test
  void parsesTheModel() {
    Scenario s = ScenarioParser.parse("s.yaml", GOOD);
    assertThat(s.name()).isEqualTo("t");
    assertThat(s.durationNanos()).isEqualTo(2_000_000_000L);
    assertThat(s.tickNanos()).isEqualTo(500_000L);
    Tenant a = s.tenants().get(0);
    assertThat(a.path()).isEqualTo("/a");
    assertThat(a.writes()).extracting(w -> w.file("gpu0")).containsExactly(
        "cpu.devices/gpu0/cpu.weight", "memory.devices/gpu0/memory.max", "memory.devices/gpu0/memory.swap.max",
        "cgroup.max.depth",
        "memory.devices/rdma0/memory.max");
    assertThat(a.writes()).extracting(Write::value).containsExactly("200", "1G", "0", "2", "64M");
    Tenant leaf = a.children().get(0);
    assertThat(leaf.path()).isEqualTo("/a/leaf");
    Workload w = leaf.workloads().get(0);
    assertThat(w.engineClass()).isEqualTo("compute");
    assertThat(w.batchNanos()).isEqualTo(2_000_000L);
    assertThat(w.load()).isEqualTo(1.5);
    assertThat(w.bufferBytes()).isEqualTo(64L << 20);
    assertThat(w.buffers()).isEqualTo(3);
    assertThat(w.allocPerSecond()).isEqualTo(2.0);
    assertThat(w.placements()).containsExactly("local0", "system0");
    assertThat(w.startNanos()).isEqualTo(100_000_000L);
    assertThat(w.stopNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(w.activeAt(99_999_999L)).isFalse();
    assertThat(w.activeAt(100_000_000L)).isTrue();
    assertThat(s.allTenants()).extracting(Tenant::path).containsExactly("/a", "/a/leaf");
  }

  @Test
  void freezeKillAndScheduleBecomeWritesAtATimeInTimeOrder() {
    Scenario s = ScenarioParser.parse("s.yaml", """
        duration: 10s
        tenants:
          - name: a
            freeze: [0s..1s, 2s..3s, 5s..]
            kill: 4s
            schedule:
              - { at: 500ms, file: memory.devices/i915.0/memory.reclaim, value: 1G }
        """);
    assertThat(s.tenants().get(0).schedule()).extracting(t -> t.atNanos() / 1_000_000 + "ms " + t.file() + " " + t.value())
        .containsExactly("0ms cgroup.freeze 1", "500ms memory.devices/i915.0/memory.reclaim 1G", "1000ms cgroup.freeze 0",
            "2000ms cgroup.freeze 1", "3000ms cgroup.freeze 0", "4000ms cgroup.kill 1", "5000ms cgroup.freeze 1");
  }

  @Test
  void jsonGivesTheSameModelAndLines() {
    String json = """
        {
          "name": "j",
          "tenants": [
            {"name": "a",
             "memory": {"max": "12X"}}
          ]
        }
        """;
    Scenario s = ScenarioParser.parse("s.json", json);
    Write w = s.tenants().get(0).writes().get(0);
    assertThat(w.at().line()).isEqualTo(5);
    assertThat(w.at().field()).isEqualTo("tenants[0].memory.max");
  }

  @Test
  void theBuiltInDemoParses() {
    Scenario s = ScenarioParser.parseResource("/io/cgdev/sim/scenario/demo.yaml");
    assertThat(s.tenants()).extracting(Tenant::name).containsExactly("inference", "training", "batch");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    // what is wrong                 | the document (\\n for newlines)                                         | expected message
    "unknown top field      | name: x\\nfoo: 1\\ntenants: [{name: a}]                    | s.yaml:2: foo: unknown field",
    "missing tenants        | name: x                                                       | s.yaml:1: tenants: missing",
    "empty tenants          | tenants: []                                                   | s.yaml:1: tenants: must list at least one tenant",
    "tenants not a list     | tenants: 3                                                    | s.yaml:1: tenants: expected a list, got a value",
    "tenant without name    | tenants:\\n  - cpu: {weight: 1}                               | s.yaml:2: tenants[0].name: missing",
    "bad tenant name        | tenants:\\n  - name: ..                                       | s.yaml:2: tenants[0].name: invalid cgroup name",
    "duplicate tenant       | tenants:\\n  - name: a\\n  - name: a                          | s.yaml:3: tenants[1].name: tenant name 'a' used twice",
    "bad duration           | duration: 10\\ntenants: [{name: a}]                           | s.yaml:1: duration: invalid duration '10'",
    "tick over duration     | duration: 1ms\\ntick: 2ms\\ntenants: [{name: a}]              | s.yaml:2: tick: tick 2000000 ns is longer",
    "samples out of range   | samples: 1\\ntenants: [{name: a}]                             | s.yaml:1: samples: '1' out of range 2..10000",
    "bad buffer size        | tenants:\\n  - name: a\\n    workloads:\\n      - name: w\\n        memory: {size: 12X} | s.yaml:5: tenants[0].workloads[0].memory.size: invalid size '12X'",
    "unknown workload field | tenants:\\n  - name: a\\n    workloads:\\n      - name: w\\n        engines: video | s.yaml:5: tenants[0].workloads[0].engines: unknown field",
    "load not a number      | tenants:\\n  - name: a\\n    workloads:\\n      - {name: w, load: lots} | s.yaml:4: tenants[0].workloads[0].load: invalid number 'lots'",
    "workload without name  | tenants:\\n  - name: a\\n    workloads:\\n      - {engine: video}   | s.yaml:4: tenants[0].workloads[0].name: missing",
    "section not an object  | tenants:\\n  - name: a\\n    memory: 5                     | s.yaml:3: tenants[0].memory: expected an object, got a value",
    "section name illegal   | tenants:\\n  - name: a\\n    Memory: {max: 1}              | s.yaml:3: tenants[0].Memory: unknown field",
    "field given twice      | tenants:\\n  - name: a\\n    name: b                       | s.yaml:3: tenants[0].name: given twice",
    "workloads and children | tenants:\\n  - name: a\\n    workloads: [{name: w}]\\n    children: [{name: b}] | s.yaml:3: tenants[0].workloads: a tenant with children cannot run workloads",
    "yaml syntax error      | tenants: [\\n  {name: a\\n                                    | s.yaml:",
    "stop before start      | tenants:\\n  - name: a\\n    workloads:\\n      - {name: w, start: 2s, stop: 1s} | s.yaml:4: tenants[0].workloads[0].stop: stop must come after start",
    "region field retired   | region: lmem0\\ntenants: [{name: a}]                        | s.yaml:1: region: no longer a field",
    "empty file             | ''                                                            | s.yaml:1: the file is empty",
    "freeze without range   | tenants:\\n  - name: a\\n    freeze: 2s                    | s.yaml:3: tenants[0].freeze: invalid freeze range '2s'",
    "freeze backwards       | tenants:\\n  - name: a\\n    freeze: 3s..2s                | s.yaml:3: tenants[0].freeze: freeze range '3s..2s': the end must come after the start",
    "freeze ranges overlap  | tenants:\\n  - name: a\\n    freeze: [1s..3s, 2s..4s]      | s.yaml:3: tenants[0].freeze[1]: freeze range '2s..4s' overlaps",
    "kill after the end     | duration: 2s\\ntenants:\\n  - name: a\\n    kill: 2s      | s.yaml:4: tenants[0].kill: time 2s is not before the end of the run (2s)",
    "schedule without file  | tenants:\\n  - name: a\\n    schedule: [{at: 1s, value: 1}] | s.yaml:3: tenants[0].schedule[0].file: missing",
    "schedule absolute file | tenants:\\n  - name: a\\n    schedule: [{at: 1s, file: /x, value: 1}] | s.yaml:3: tenants[0].schedule[0].file: file '/x' must be relative",
  })
  void badFieldsAreNamedWithTheirLine(String what, String doc, String expected) {
    String text = doc.replace("\\n", "\n");
    if (text.equals("''")) {
      text = "";
    }
    String finalText = text;
    assertThatThrownBy(() -> ScenarioParser.parse("s.yaml", finalText))
        .as(what)
        .isInstanceOf(ScenarioException.class)
        .hasMessageStartingWith(expected);
  }

  @Test
  void theExceptionKeepsItsParts() {
    ScenarioException e = org.junit.jupiter.api.Assertions.assertThrows(ScenarioException.class,
        () -> ScenarioParser.parse("x.yaml", "tenants:\n  - name: a\n    workloads:\n      - name: w\n        batch: 3 parsecs\n"));
    assertThat(e.source()).isEqualTo("x.yaml");
    assertThat(e.line()).isEqualTo(5);
    assertThat(e.field()).isEqualTo("tenants[0].workloads[0].batch");
    assertThat(e.reason()).startsWith("invalid duration '3 parsecs'");
  }

  @ParameterizedTest
  @CsvSource({"1ns,1", "2us,2000", "1.5ms,1500000", "3s,3000000000", "1m,60000000000"})
  void durationsParse(String text, long nanos) {
    assertThat(Durations.parse(text)).isEqualTo(nanos);
  }

  /** Digits are ASCII: Character.isDigit and BigDecimal would take ١٠ for 10 (issue 12). */
  @ParameterizedTest
  @ValueSource(strings = {"\u0661\u0660ms", "\uff11s", "1\u0660ms"})
  void durationsTakeOnlyAsciiDigits(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(text);
  }
}
