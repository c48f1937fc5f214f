package io.cgdev.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cgdev.core.Cgroups;
import io.cgdev.sim.report.Report;
import io.cgdev.sim.report.ReportWriter;
import io.cgdev.sim.scenario.Scenario;
import io.cgdev.sim.scenario.ScenarioParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The example scenario samples/scenarios/pressure.yaml, its numbers read from the report's JSON as a
 * user reads report.json: {@code starved} (a 1:9 {@code cpu.weight} on the one render engine) has a
 * {@code cpu.pressure} {@code some} fraction within 2% of the fraction of the run its client waited,
 * which the run itself gives (its one client always has work queued, so it waited whenever it did not
 * run: 1 - usage / duration); {@code paused} and the client it shares the copy engine with (at twice
 * its weight) stall about 2/3 and 1/3 of the time, and neither while {@code paused} is frozen (a frozen client is runnable on no
 * engine, so the cpu controller counts it idle, as the kernel's PSI counts a frozen task: not
 * runnable, no stall); {@code squeezed}'s loader, refused under {@code memory.max} after reclaim, shows
 * in {@code memory.pressure} from its start to its stop, and the unconstrained tenants' memory
 * pressure stays 0. Two runs give the same JSON byte for byte, apart from the wall-clock figures.
 * Time: two runs of 6 simulated seconds, about 1-3 s each on the shared build machine.
 */
class PressureRunTest {
  static final long MS = 1_000_000L;
  static final Path FILE = Path.of("../samples/scenarios/pressure.yaml");
  private static JsonNode json;
  private static String first;
  private static String second;

  @BeforeAll
  static void runTwice() throws Exception {
    Scenario s = ScenarioParser.parse(FILE.toString(), Files.readString(FILE));
    first = withoutWallClock(run(s));
    second = withoutWallClock(run(s));
    json = JsonMapper.builder().build().readTree(first);
  }

  @AfterAll
  static void forget() {
    json = null;
  }

  private static Report run(Scenario s) {
    try (Cgroups world = SimWorlds.boot()) {
      ScenarioRunner runner = SimWorlds.runner(world, s);
      try {
        return runner.run();
      } finally {
        runner.release();
      }
    }
  }

  /** The report's JSON with its two wall-clock figures (wall time, events per second) set to 0. */
  private static String withoutWallClock(Report r) {
    return ReportWriter.json(new Report(r.scenario(), r.description(), r.device(), r.region(), r.durationNanos(), 0,
        r.events(), r.tenants(), r.series(), r.notes()));
  }

  private static JsonNode tenant(String path) {
    for (JsonNode t : json.get("tenants")) {
      if (t.get("path").asString().equals(path)) {
        return t;
      }
    }
    throw new AssertionError("no tenant " + path + " in the report");
  }

  private static double stall(String path, String controller, String kind) {
    return tenant(path).get("pressure").get(controller).get(kind).asDouble();
  }

  /** The values of a series at the samples whose time (the end of their interval) passes {@code when}. */
  private static List<Double> at(String series, String path, LongPredicate when) {
    JsonNode times = json.get("series").get("timesNanos");
    JsonNode values = json.get("series").get(series).get(path);
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < times.size(); i++) {
      if (when.test(times.get(i).asLong())) {
        out.add(values.get(i).asDouble());
      }
    }
    return out;
  }

  @Test
  void theTenantStarvedByAOneToNineWeightStallsForTheFractionOfTimeItWaited() {
    double run = json.get("durationNanos").asLong() / 1e3;
    // its one client always had work queued: it waited whenever it did not run
    double waited = 1 - tenant("/starved").get("deviceTime").get("usageUsec").asLong() / run;
    assertThat(waited).as("a 1:9 weight").isCloseTo(0.9, within(0.02));
    assertThat(stall("/starved", "cpu", "some")).isCloseTo(waited, within(0.02 * waited));
    // one client: when it waits, none of the cgroup's clients runs
    assertThat(stall("/starved", "cpu", "full")).isEqualTo(stall("/starved", "cpu", "some"));
    double favouredWaited = 1 - tenant("/favoured").get("deviceTime").get("usageUsec").asLong() / run;
    assertThat(stall("/favoured", "cpu", "some")).isCloseTo(favouredWaited, within(0.02 * favouredWaited));
    // interval by interval the same: the chart's line
    assertThat(at("cpuPressureSome", "/starved", t -> t > 200 * MS)).allSatisfy(v -> assertThat(v).isCloseTo(0.9, within(0.03)));
  }

  @Test
  void aFrozenTenantDoesNotStallWhileFrozenNorDoesTheClientItSharedTheEngineWith() {
    List<Double> frozen = at("cpuPressureSome", "/paused", t -> t > 2000 * MS && t <= 4000 * MS);
    assertThat(frozen).hasSize(20).containsOnly(0.0);
    assertThat(at("cpuPressureSome", "/squeezed", t -> t > 2000 * MS && t <= 4000 * MS)).containsOnly(0.0);
    // before and after, the two share the copy engine at weights 1:2: paused waits 2/3 of the time, the copier 1/3
    LongPredicate thawed = t -> t > 200 * MS && t <= 2000 * MS || t > 4200 * MS;
    assertThat(at("cpuPressureSome", "/paused", thawed)).allSatisfy(v -> assertThat(v).isCloseTo(2 / 3.0, within(0.05)));
    assertThat(at("cpuPressureSome", "/squeezed", thawed)).allSatisfy(v -> assertThat(v).isCloseTo(1 / 3.0, within(0.05)));
    // over the run: 2/3 of the four seconds it ran, none of the two it was frozen
    assertThat(stall("/paused", "cpu", "some")).isCloseTo(2 / 3.0 * 4 / 6, within(0.03));
    assertThat(at("memoryPressureSome", "/paused", t -> true)).containsOnly(0.0);
    // the reference sees the freeze too: paused ran a third of the copy engine for four of the six seconds
    JsonNode time = tenant("/paused").get("deviceTime");
    assertThat(time.get("referenceShare").asDouble()).isCloseTo(time.get("share").asDouble(), within(0.01));
  }

  @Test
  void theTenantRefusedUnderMemoryMaxStallsOnMemoryAndTheUnconstrainedOnesDoNot() {
    JsonNode squeezed = tenant("/squeezed");
    assertThat(squeezed.get("failedAllocations").asLong()).isPositive();
    assertThat(squeezed.get("memory").get("events").get("max").asLong()).isPositive();
    assertThat(squeezed.get("memory").get("swap").get("max").asLong()).isEqualTo(128L << 20);
    // from the first refusal (a few ms after its loader starts at 1s) to the loader's stop at 4s
    assertThat(stall("/squeezed", "memory", "some")).isCloseTo(3.0 / 6, within(0.01));
    assertThat(stall("/squeezed", "memory", "full")).isEqualTo(stall("/squeezed", "memory", "some"));
    assertThat(at("memoryPressureSome", "/squeezed", t -> t > 1100 * MS && t <= 4000 * MS)).containsOnly(1.0);
    assertThat(at("memoryPressureSome", "/squeezed", t -> t <= 1000 * MS || t > 4100 * MS)).containsOnly(0.0);
    for (String path : List.of("/favoured", "/starved", "/paused")) {
      assertThat(stall(path, "memory", "some")).as(path).isZero();
    }
  }

  @Test
  void twoRunsGiveTheSameJsonByteForByte() {
    assertThat(second).isEqualTo(first);
  }
}
