package io.cgdev.fleet.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the Alibaba GPU trace v2023's CSV files ({@code openb_node_list_all_node.csv} and an {@code
 * openb_pod_list_<name>.csv}), from a folder or from the copy built into this module (with its
 * attribution, {@code io/cgdev/fleet/trace/alibaba-gpu-v2023/README.md}). Columns are found by their
 * header names, so their order does not matter; every bad value is a {@link TraceException} naming
 * the file, the line and the column.
 */
public final class TraceReader {
  /** The folder of the built-in copy among this module's resources. */
  public static final String BUILT_IN = "alibaba-gpu-v2023/";
  /** The node list: every node, CPU-only ones included (the FGD paper's 1,523 nodes). */
  public static final String NODES = "openb_node_list_all_node.csv";
  /** The pod lists with creation and deletion times that the copy ships. */
  public static final List<String> POD_LISTS = List.of("default", "gpushare100");

  private TraceReader() {}

  /** The built-in trace with pod list {@code openb_pod_list_<podList>.csv}. */
  public static Trace builtIn(String podList) {
    checkPodList(podList);
    String pods = "openb_pod_list_" + podList + ".csv";
    try (InputStream n = resource(NODES); InputStream p = resource(pods)) {
      return read("built-in " + BUILT_IN + pods, reader(n), NODES, reader(p), pods);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The trace in folder {@code dir} with pod list {@code openb_pod_list_<podList>.csv}. */
  public static Trace fromFolder(Path dir, String podList) {
    Path nodes = dir.resolve(NODES);
    Path pods = dir.resolve("openb_pod_list_" + podList + ".csv");
    for (Path f : List.of(nodes, pods)) {
      if (!Files.isRegularFile(f)) {
        throw new TraceException(f + ": no such file (a trace folder holds " + NODES + " and openb_pod_list_<name>.csv)", null);
      }
    }
    try (Reader n = Files.newBufferedReader(nodes, StandardCharsets.UTF_8);
        Reader p = Files.newBufferedReader(pods, StandardCharsets.UTF_8)) {
      return read(pods.toString(), n, nodes.toString(), p, pods.toString());
    } catch (IOException e) {
      throw new TraceException(dir + ": " + e.getMessage(), e);
    }
  }

  /** Reads a node list and a pod list from readers; {@code nodesName} and {@code podsName} name them in errors. */
  public static Trace read(String source, Reader nodes, String nodesName, Reader pods, String podsName) throws IOException {
    return new Trace(source, readNodes(nodes, nodesName), readPods(pods, podsName));
  }

  private static void checkPodList(String podList) {
    if (!POD_LISTS.contains(podList)) {
      throw new IllegalArgumentException("no built-in pod list '" + podList + "' (built in: " + String.join(", ", POD_LISTS) + ")");
    }
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = TraceReader.class.getResourceAsStream(BUILT_IN + name);
    if (in == null) {
      throw new IOException("built-in trace file " + BUILT_IN + name + " is missing from the module");
    }
    return in;
  }

  private static Reader reader(InputStream in) {
    return new InputStreamReader(in, StandardCharsets.UTF_8);
  }

  static List<NodeSpec> readNodes(Reader in, String file) throws IOException {
    Table t = new Table(in, file, List.of("sn", "cpu_milli", "memory_mib", "gpu", "model"));
    List<NodeSpec> out = new ArrayList<>();
    while (t.next()) {
      int gpus = (int) t.number("gpu", 0, 64);
      String m = t.text("model");
      GpuModel model = null;
      if (gpus > 0) {
        model = GpuModel.of(m).orElseThrow(() -> t.error("model", "unknown GPU type '" + m + "' (known: V100M16, V100M32, T4, P100, A10, G1, G2, G3)"));
      } else if (!m.isEmpty() && !m.equals("nan")) {
        throw t.error("model", "a node without GPUs has no GPU type, not '" + m + "'");
      }
      out.add(new NodeSpec(out.size(), t.text("sn"), t.number("cpu_milli", 0, Long.MAX_VALUE),
          t.number("memory_mib", 0, Long.MAX_VALUE), gpus, model));
    }
    return out;
  }

  static List<PodSpec> readPods(Reader in, String file) throws IOException {
    Table t = new Table(in, file, List.of("name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli", "gpu_spec", "qos",
        "creation_time", "deletion_time"));
    List<PodSpec> out = new ArrayList<>();
    while (t.next()) {
      int gpus = (int) t.number("num_gpu", 0, 8);
      int milli = (int) t.number("gpu_milli", 0, 1000);
      if (gpus == 0 && milli != 0) {
        throw t.error("gpu_milli", milli + " for a pod without GPUs (num_gpu 0)");
      }
      if (gpus > 0 && milli == 0) {
        throw t.error("gpu_milli", "0 for a pod with " + gpus + " GPUs");
      }
      if (gpus > 1 && milli != 1000) {
        throw t.error("gpu_milli", milli + " for a pod with " + gpus + " GPUs (only a one-GPU pod shares a GPU)");
      }
      String spec = t.text("gpu_spec");
      Set<String> types = new LinkedHashSet<>();
      if (!spec.isEmpty() && !spec.equals("nan")) {
        for (String s : spec.split("\\|")) {
          if (GpuModel.of(s).isEmpty()) {
            throw t.error("gpu_spec", "unknown GPU type '" + s + "'");
          }
          types.add(s);
        }
      }
      String q = t.text("qos");
      Qos qos = Qos.parse(q).orElseThrow(() -> t.error("qos", "unknown QoS '" + q + "' (LS, BE, Burstable, Guaranteed)"));
      long creation = t.number("creation_time", 0, Long.MAX_VALUE);
      long deletion = t.number("deletion_time", 0, Long.MAX_VALUE);
      if (deletion < creation) {
        throw t.error("deletion_time", deletion + " is before creation_time " + creation);
      }
      out.add(new PodSpec(out.size(), t.text("name"), t.number("cpu_milli", 0, Long.MAX_VALUE),
          t.number("memory_mib", 0, Long.MAX_VALUE), gpus, milli, types, qos, creation, deletion));
    }
    return out;
  }

  /** A CSV file with a header and no quoting (the trace has none), read line by line. */
  private static final class Table {
    private final BufferedReader in;
    private final String file;
    private final Map<String, Integer> columns = new HashMap<>();
    private String[] row;
    private int line = 1;

    Table(Reader reader, String file, List<String> required) throws IOException {
      this.in = new BufferedReader(reader);
      this.file = file;
      String header = in.readLine();
      if (header == null) {
        throw new TraceException(file, 1, "header", "the file is empty");
      }
      String[] names = header.strip().split(",", -1);
      for (int i = 0; i < names.length; i++) {
        columns.put(names[i].strip(), i);
      }
      for (String c : required) {
        if (!columns.containsKey(c)) {
          throw new TraceException(file, 1, c, "no such column (header: " + Arrays.toString(names) + ")");
        }
      }
    }

    boolean next() throws IOException {
      String l;
      do {
        l = in.readLine();
        line++;
        if (l == null) {
          return false;
        }
      } while (l.isBlank());
      row = l.split(",", -1);
      if (row.length != columns.size()) {
        throw new TraceException(file, line, "row", row.length + " fields, the header has " + columns.size());
      }
      return true;
    }

    String text(String column) {
      return row[columns.get(column)].strip();
    }

    long number(String column, long min, long max) {
      String v = text(column);
      long n;
      try {
        n = Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw error(column, "'" + v + "' is not a whole number");
      }
      if (n < min || n > max) {
        throw error(column, n + " is out of range " + min + ".." + max);
      }
      return n;
    }

    TraceException error(String column, String reason) {
      return new TraceException(file, line, column, reason);
    }
  }
}
