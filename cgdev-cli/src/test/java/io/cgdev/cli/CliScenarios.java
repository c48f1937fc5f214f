package io.cgdev.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.Keyed;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs scenarios through the tool as a user does ({@code cgdev run FILE}, in-process through {@link
 * Main#run}) and reads what the run left: the per-device files of every cgroup at the end of the run
 * ({@code --snapshot}) and the report ({@code --json}). For the tests that hold the device-time model
 * to the kernel's rules through the CLI.
 */
final class CliScenarios {
  static final String DEVICE = "i915.0";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Path dir;
  private int runs;

  CliScenarios(Path dir) {
    this.dir = dir;
  }

  /** What one run left behind. */
  record Result(JsonNode report, JsonNode snapshot) {
    /** A cgroup's per-device file of the device, e.g. {@code stat("/a", "cpu", "stat")}. */
    String file(String cgroup, String controller, String name) {
      JsonNode c = find(snapshot.get("root"), cgroup);
      assertThat(c).as("cgroup %s in the snapshot", cgroup).isNotNull();
      // a snapshot keeps settings under configuration and the rest (counters, usage) under status
      String key = controller + ".devices/" + DEVICE + "/" + controller + "." + name;
      JsonNode f = c.get("status").has(key) ? c.get("status").get(key) : c.get("configuration").get(key);
      assertThat(f).as("%s.%s of %s", controller, name, cgroup).isNotNull();
      return f.asString();
    }

    /** The cgroup's {@code cpu.stat} for the device, as numbers by key. */
    Map<String, Long> cpuStat(String cgroup) {
      Map<String, Long> out = new LinkedHashMap<>();
      Keyed.parseFlat(file(cgroup, "cpu", "stat")).forEach((k, v) -> out.put(k, Long.parseLong(v)));
      return out;
    }

    long usageUsec(String cgroup) {
      return cpuStat(cgroup).get("usage_usec");
    }

    private static JsonNode find(JsonNode node, String path) {
      if (node.get("path").asString().equals(path)) {
        return node;
      }
      for (JsonNode child : node.get("children")) {
        JsonNode found = find(child, path);
        if (found != null) {
          return found;
        }
      }
      return null;
    }
  }

  /** {@code cgdev run FILE --json --snapshot S} on a scenario written from {@code yaml}. */
  Result run(String yaml, String... extra) {
    int n = ++runs;
    try {
      Path file = Files.writeString(dir.resolve("scenario-" + n + ".yaml"), yaml);
      return runFile(file, extra);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code cgdev run FILE --json --snapshot S} on a scenario file. */
  Result runFile(Path file, String... extra) {
    int n = ++runs;
    Path snapshot = dir.resolve("snapshot-" + n + ".json");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] args = concat(new String[] {"run", file.toString(), "--json", "--no-progress", "--out", dir.resolve("out-" + n).toString(),
        "--snapshot", snapshot.toString()}, extra);
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    assertThat(code).as("cgdev %s: %s", String.join(" ", args), err).isZero();
    try {
      return new Result(JSON.readTree(out.toString()), JSON.readTree(Files.readString(snapshot)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code cgdev fdinfo --scenario FILE}: each DRM client's fdinfo at the end of the run, its {@code
   * drm-engine-<class>} times in ns by class, by the client's heading ({@code h (pid 1, /heavy)}).
   */
  Map<String, Map<String, Long>> engineTimes(String yaml) {
    int n = ++runs;
    try {
      Path file = Files.writeString(dir.resolve("scenario-" + n + ".yaml"), yaml);
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Main.run(new String[] {"fdinfo", "--scenario", file.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
      assertThat(code).as(err.toString()).isZero();
      Map<String, Map<String, Long>> clients = new LinkedHashMap<>();
      Map<String, Long> current = null;
      for (String line : out.toString().split("\n")) {
        if (line.startsWith("# ")) {
          current = new LinkedHashMap<>();
          clients.put(line.substring(2), current);
        } else if (current != null && line.startsWith("drm-engine-") && line.endsWith(" ns")) {
          String[] kv = line.split(":\\s+");
          current.put(kv[0].substring("drm-engine-".length()), Long.parseLong(kv[1].replace(" ns", "")));
        }
      }
      assertThat(clients).as("fdinfo printed clients: %s", out).isNotEmpty();
      return clients;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code cgdev snapshot --scenario FILE}: the scenario's tree before anything ran. */
  Result before(String yaml) {
    int n = ++runs;
    try {
      Path file = Files.writeString(dir.resolve("scenario-" + n + ".yaml"), yaml);
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Main.run(new String[] {"snapshot", "--scenario", file.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
      assertThat(code).as(err.toString()).isZero();
      return new Result(null, JSON.readTree(out.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The kernel selftests' {@code values_close}: {@code a} and {@code b} differ by at most {@code err}% of their sum. */
  static boolean valuesClose(long a, long b, int err) {
    return Math.abs(a - b) <= (a + b) / 100 * err;
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
